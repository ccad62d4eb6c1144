"""`content sync` publishing an SOP version that requires re-acknowledgement: the module's
audience owes it within `reacknowledge_within_days` days (default 7)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.assignments import Assignment, Notification
from app.services.assign.reack import check_days
from app.services.assign.status import status_query
from app.services.content.sync import sync_content
from app.services.errors import DomainError
from tests.learning_factories import person

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
MODULE = "referral-invitation.toml"  # for 会员专员 (何静) and 前台 (孙悦)


@pytest.fixture
def sop_dir(tmp_path):
    (tmp_path / "sop").mkdir()
    shutil.copy(ROOT / "sop" / MODULE, tmp_path / "sop" / MODULE)
    return tmp_path


def _sync(root: Path, now=NOW):
    report = sync_content(root, root / "courses", root / "sop", dry_run=False, now=now)
    assert not report.errors, report.as_dict()
    db.session.commit()
    return report


def _revise(root: Path, header: str) -> None:
    path = root / "sop" / MODULE
    path.write_text(header + path.read_text().replace("老带新", "老带新（新规）", 1))


def _reack_rows():
    return db.session.execute(status_query(NOW, Assignment.origin == "reack")).all()


def test_a_synced_version_requiring_reacknowledgement_is_assigned(app, demo, sop_dir):
    _sync(sop_dir)
    assert _reack_rows() == []  # the first version never needs it
    _revise(sop_dir, "requires_reacknowledgement = true\nreacknowledge_within_days = 3\n")
    _sync(sop_dir)
    rows = _reack_rows()
    assert {r.user_id for r in rows} == {person("10011").id, person("10006").id}
    assert {r.due_at for r in rows} == {NOW + timedelta(days=3)}
    assert {r.status for r in rows} == {"not_started"}
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "assigned")) == 2
    _sync(sop_dir, NOW + timedelta(hours=1))  # unchanged: nothing new
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1


def test_the_default_is_seven_days(app, demo, sop_dir):
    _sync(sop_dir)
    _revise(sop_dir, "requires_reacknowledgement = true\n")
    _sync(sop_dir)
    assert {r.due_at for r in _reack_rows()} == {NOW + timedelta(days=7)}


def test_a_change_without_reacknowledgement_assigns_nothing(app, demo, sop_dir):
    _sync(sop_dir)
    _revise(sop_dir, "reacknowledge_within_days = 3\n")
    _sync(sop_dir)
    assert _reack_rows() == []


@pytest.mark.parametrize("value", ["0", "366", "\"7\"", "true", "2.5"])
def test_a_bad_number_of_days_names_the_file_and_line(app, demo, sop_dir, value):
    _revise(sop_dir, f"requires_reacknowledgement = true\nreacknowledge_within_days = {value}\n")
    report = sync_content(sop_dir, sop_dir / "courses", sop_dir / "sop", dry_run=False)
    db.session.rollback()
    assert [(e.file, e.line) for e in report.errors] == [(f"sop/{MODULE}", 2)]
    assert "reacknowledge_within_days" in report.errors[0].message


def test_check_days():
    assert check_days(None) == 7 and check_days(1) == 1 and check_days(365) == 365
    for bad in (0, 366, -1, True):
        with pytest.raises(DomainError):
            check_days(bad)
