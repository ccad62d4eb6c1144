"""The item-kind registry: every kind declares every part, the storage half agrees with it,
and a kind added to the registry shows up in the consumers that list kinds."""

from __future__ import annotations

import dataclasses

import pytest
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Certificate, PathStageItem, Quiz
from app.models.items import ITEM_REFERENCES
from app.services import items
from app.services.assign import choices
from app.services.assign.channels.base import OwedItem
from app.services.assign.channels.text import item_text

UNIFORM = {"user_id", "item_id", "started", "done", "done_at", "failed"}


def test_the_kinds_are_the_stored_keys_in_order():
    assert list(items.KINDS) == ["course", "quiz", "sop", "path", "survey", "class"] \
        == list(ITEM_REFERENCES)


@pytest.mark.parametrize("key", list(items.KINDS))
def test_every_kind_declares_every_part(app, key):
    kind = items.KINDS[key]
    assert kind.model.__table__.name == ITEM_REFERENCES[key][1]
    assert kind.column == ITEM_REFERENCES[key][0]
    assert kind.reference(Assignment).key == kind.column
    with force_locale("zh_Hans_CN"):
        assert str(kind.label) and str(kind.plural) and str(kind.label) != kind.label._args[0]
    assert callable(kind.progress) and kind.assignable() and kind.order()
    assert kind.progress_template and kind.task_details is not None
    if kind.endpoint is not None:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == kind.endpoint)
        assert kind.url_arg in rule.arguments
    if key in Certificate.item_kinds:
        assert kind.done_phrase is not None and kind.certificate_titles is not None


@pytest.mark.parametrize("key", list(items.KINDS))
def test_every_progress_subquery_has_the_uniform_columns_and_runs(app, key):
    sub = items.KINDS[key].progress(None)
    assert UNIFORM <= set(sub.c.keys())
    assert db.session.execute(select(*(sub.c[name] for name in sorted(UNIFORM)))).all() == []


def test_the_referencing_models_allow_subsets_of_the_registry():
    assert [k.key for k in items.kinds_for(Assignment)] == list(items.KINDS)
    assert [k.key for k in items.kinds_for(PathStageItem)] == [
        "course", "quiz", "sop", "survey", "class"]
    assert [k.key for k in items.kinds_for(Certificate)] == ["course", "sop", "path", "class"]
    assert [k.key for k in items.kinds_for(Quiz)] == ["course", "sop"]


def test_one_label_per_kind_everywhere(app):
    with force_locale("zh_Hans_CN"):
        assert {k: str(v) for k, v in items.labels().items()} == {
            "course": "课程", "quiz": "测验", "sop": "SOP 模块", "path": "学习路径",
            "survey": "问卷", "class": "线下课"}
        assert render_template_string("{{ item_label('sop') }}") == "SOP 模块"


@pytest.fixture
def workshop(monkeypatch):
    """A fifth kind, declared the way the four are (a workshop, served by the course model)."""
    kind = dataclasses.replace(items.KINDS["course"], key="workshop", label="Workshop",
                               plural="Workshops")
    monkeypatch.setitem(items.KINDS, "workshop", kind)
    return kind


def test_a_new_kind_reaches_labels_choices_templates_and_reminders(app, demo, workshop):
    from tests.learning_factories import make_course

    course = make_course("workshop-course", [("l1", "一", "x")], title="面诊工作坊")
    assert items.labels()["workshop"] == workshop.label
    assert (course.id, "面诊工作坊") in choices.assignable_items()["workshop"]
    with force_locale("en"):
        assert render_template_string("{{ item_label('workshop') }}") == "Workshop"
    owed = OwedItem(user_id=1, user_name="", email=None, locale=None, department_id=None,
                    assignment_id=1, kind="workshop", title="面诊工作坊", due_at=course.created_at,
                    overdue=False, required=True)
    with force_locale("en"):
        text = item_text(owed, app.config)
    assert text.startswith("Workshop “面诊工作坊”")
