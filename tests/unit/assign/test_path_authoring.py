"""Building learning paths: fields checked, stages and items ordered, only published items
once per path, onboarding paths per position."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Quiz
from app.models.assignments import Assignment
from app.services.assign import path_authoring as authoring
from app.services.errors import DomainError
from tests.learning_factories import make_course, make_sop, person, position
from tests.quiz_factories import make_quiz, single

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def path(demo):
    found = authoring.save_path(None, authoring.PathData("护士新人", "第一个月", "gated"),
                                person("trainer"))
    db.session.commit()
    return found


@pytest.mark.parametrize("data,field", [
    (authoring.PathData("", "", "free"), "title"),
    (authoring.PathData("x" * 201, "", "free"), "title"),
    (authoring.PathData("标题\x07", "", "free"), "title"),
    (authoring.PathData("标题", "", "other"), "mode"),
    (authoring.PathData("标题", "x" * 2001, "free"), "description"),
])
def test_path_fields_are_checked(demo, data, field):
    with pytest.raises(DomainError) as error:
        authoring.save_path(None, data, None)
    assert error.value.field == field


def test_stages_and_items_keep_their_order(path):
    one = authoring.add_stage(path, "第一关")
    two = authoring.add_stage(path, "第二关", 7)
    course, module = make_course("pa-course"), make_sop("pa-sop")
    quiz = make_quiz([single()], slug="pa-quiz")
    authoring.add_item(one, f"course:{course.id}")
    authoring.add_item(one, f"sop:{module.id}")
    authoring.add_item(two, f"quiz:{quiz.id}")
    authoring.move_stage(two, "up")
    authoring.move_item(one.items[1], "up")
    db.session.commit()
    db.session.expire_all()
    assert [s.title for s in path.stages] == ["第二关", "第一关"]
    assert [s.rank for s in path.stages] == [0, 1]
    assert [i.kind for i in path.stages[1].items] == ["sop", "course"]
    authoring.remove_item(path.stages[1].items[0])
    authoring.delete_stage(path.stages[0])
    db.session.commit()
    db.session.expire_all()
    assert [(s.title, s.rank, [i.kind for i in s.items]) for s in path.stages] == [
        ("第一关", 0, ["course"])]
    assert authoring.item_titles(path) == {path.stages[0].items[0].id: "课程 pa-course"}
    row = authoring.path_overview()[0]
    assert (row.stages, row.items) == (1, 1)


def test_only_published_items_go_in_once(path):
    stage = authoring.add_stage(path, "第一关")
    draft = make_course("pa-draft", publish=False)
    hidden_quiz = make_quiz([single()], slug="pa-hidden")
    db.session.get(Quiz, hidden_quiz.id).published = False
    course = make_course("pa-ok")
    for choice in ("", "course", "course:x", f"course:{draft.id}", f"quiz:{hidden_quiz.id}",
                   "path:1", "course:-1", "course:٣"):
        with pytest.raises(DomainError):
            authoring.add_item(stage, choice)
    authoring.add_item(stage, f"course:{course.id}")
    other = authoring.add_stage(path, "第二关")
    with pytest.raises(DomainError):
        authoring.add_item(other, f"course:{course.id}")
    assert [i.kind for i in stage.items] == ["course"] and not other.items


def test_stage_days_are_checked(path):
    with pytest.raises(DomainError):
        authoring.add_stage(path, "第一关", 366)
    with pytest.raises(DomainError):
        authoring.add_stage(path, "第一关", -1)
    with pytest.raises(DomainError):
        authoring.add_stage(path, " ")


def test_a_position_gets_one_onboarding_path(path):
    nurse = position("护士")
    with pytest.raises(DomainError):  # nothing in the path yet
        authoring.make_onboarding(path, nurse.id, 30, person("trainer"), NOW)
    stage = authoring.add_stage(path, "第一关")
    authoring.add_item(stage, f"course:{make_course('pa-onboard').id}")
    with pytest.raises(DomainError):
        authoring.make_onboarding(path, None, 30, person("trainer"), NOW)
    with pytest.raises(DomainError):
        authoring.make_onboarding(path, nurse.id, 0, person("trainer"), NOW)
    authoring.make_onboarding(path, nurse.id, 30, person("trainer"), NOW)
    other = authoring.save_path(None, authoring.PathData("另一条", "", "free"), None)
    authoring.add_item(authoring.add_stage(other, "一"), f"sop:{make_sop('pa-s').id}")
    authoring.make_onboarding(other, nurse.id, 14, person("trainer"), NOW)
    db.session.commit()
    assert authoring.onboarding_positions(path) == []
    assert [(p.name, a.due_days) for p, a in authoring.onboarding_positions(other)] == [
        ("护士", 14)]
    assert {row.path.title: row.positions for row in authoring.path_overview()} == {
        "护士新人": [], "另一条": ["护士"]}
    authoring.stop_onboarding(other, nurse, NOW)
    db.session.commit()
    assert db.session.scalar(select(Assignment).where(
        Assignment.cancelled_at.is_(None))) is None
