"""The review rubric: the default criteria, a trainer's own, their rules, and `rubric = [...]`
in sop/*.toml files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.extensions import db
from app.models import SopModule
from app.services.content.sync import sync_content
from app.services.errors import DomainError
from app.services.practice.rubric import (
    criterion_label,
    rubric_lines,
    rubric_of,
    set_rubric,
    split_lines,
)
from tests.learning_factories import make_sop, person

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def module(demo) -> SopModule:
    return make_sop("rubric-sop")


def test_the_default_rubric_has_stable_keys(module):
    assert [c.key for c in rubric_of(module)] == ["accuracy", "timeliness", "communication"]
    assert str(criterion_label("accuracy")) in ("准确性", "Accuracy")
    assert criterion_label("专业度") == "专业度" and rubric_lines(module) == ""


def test_a_trainer_sets_and_clears_a_rubric(module):
    trainer = person("trainer")
    criteria = set_rubric(trainer, module, split_lines(" 专业度 \r\n\n共情\n话术规范\n"))
    assert [c.key for c in criteria] == ["专业度", "共情", "话术规范"]
    assert module.rubric == ["专业度", "共情", "话术规范"]
    assert rubric_lines(module) == "专业度\n共情\n话术规范"
    set_rubric(trainer, module, [])
    assert module.rubric is None and len(rubric_of(module)) == 3


@pytest.mark.parametrize("labels", [
    [f"标准{n}" for n in range(9)],            # more than 8
    ["一" * 31],                                # longer than 30
    ["专业度", "专业度"], ["Tone", "tone"], ["ＡＢ", "AB"],  # twice (case and width folded)
    ["有\x07铃声"],                              # a control character
])
def test_rubric_rules(module, labels):
    with pytest.raises(DomainError) as refused:
        set_rubric(person("trainer"), module, labels)
    assert refused.value.field == "rubric" and module.rubric is None


def test_only_trainers_change_a_rubric(module):
    with pytest.raises(DomainError):
        set_rubric(person("supervisor"), module, ["专业度"])
    assert set_rubric(person("admin"), module, ["专业度"])[0].key == "专业度"


def _sync(root: Path):
    report = sync_content(root, root / "courses", root / "sop", dry_run=False)
    db.session.commit()
    return report


def test_a_content_file_can_name_its_rubric(app, demo, tmp_path):
    (tmp_path / "courses").mkdir()
    (tmp_path / "sop").mkdir()
    target = tmp_path / "sop" / "referral-invitation.toml"
    shutil.copy(ROOT / "sop" / "referral-invitation.toml", target)
    original = target.read_text(encoding="utf-8")
    assert _sync(tmp_path).errors == []
    module = db.session.scalar(db.select(SopModule).where(SopModule.slug == "referral-invitation"))
    assert module.rubric is None
    target.write_text('rubric = ["邀约话术", "时机把握"]\n' + original, encoding="utf-8")
    report = _sync(tmp_path)
    assert report.errors == [] and report.versions_published == 0
    assert module.rubric == ["邀约话术", "时机把握"]
    target.write_text("\n" + 'rubric = ["重复", "重复"]\n' + original, encoding="utf-8")
    errors = _sync(tmp_path).errors
    assert [(e.file, e.line) for e in errors] == [("sop/referral-invitation.toml", 2)]
    db.session.rollback()
    target.write_text('rubric = "一条"\n' + original, encoding="utf-8")
    assert _sync(tmp_path).errors[0].line == 1
    db.session.rollback()
    target.write_text(original, encoding="utf-8")
    assert _sync(tmp_path).errors == [] and module.rubric is None
