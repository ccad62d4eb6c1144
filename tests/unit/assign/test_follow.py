"""Following assignments up: which assignments a supervisor may see (one helper for the list
and for one), per-assignment summaries in one grouped statement, and the follow-up actions
(remind once a day, extend one person, cancel) inside the actor's scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import CourseVersion, LessonProgress
from app.models.assignments import Assignment, Notification
from app.services.assign import actions, follow
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.errors import DomainError
from tests.learning_factories import department, make_course, person, position

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def course(demo):
    return make_course("followed", [("one", "第一课", "正文")], title="跟进课程")


def _assign(actor: str, course, **fields) -> Assignment:
    fields.setdefault("starts_at", NOW - timedelta(days=1))
    assignment = create_assignment(person(actor), AssignmentData(
        kind="course", item_id=course.id, **fields), NOW)
    db.session.commit()
    return assignment


def _complete(login: str, course) -> None:
    version_id = db.session.scalar(select(CourseVersion.id).where(
        CourseVersion.course_id == course.id))
    db.session.add(LessonProgress(user_id=person(login).id, course_id=course.id,
                                  lesson_key="one", version_id=version_id, completed_at=NOW))
    db.session.commit()


def _visible(login: str) -> set[int]:
    return set(db.session.scalars(select(Assignment.id).where(Assignment.id.in_(
        follow.visible_assignments(person(login)).with_only_columns(Assignment.id)))))


def test_one_scope_helper_for_the_list_and_for_one(course):
    own = _assign("supervisor", course, user_ids=[person("employee").id])
    by_position = _assign("admin", course, position_ids=[position("咨询师").id])
    empty_department = _assign("admin", course, department_ids=[department("客服中心").id],
                               position_ids=[position("医生").id])  # nobody there: still mine
    outside = _assign("admin", course, user_ids=[person("10012").id])
    assert _visible("supervisor") == {own.id, by_position.id, empty_department.id}
    assert _visible("admin") == {own.id, by_position.id, empty_department.id, outside.id}
    assert follow.get_visible(person("supervisor"), outside.id) is None
    assert follow.get_visible(person("supervisor"), by_position.id) is by_position
    assert _visible("employee") == set()


def test_summaries_count_only_the_actors_people_in_one_statement(course, count_statements):
    first = _assign("admin", course, position_ids=[position("咨询师").id],
                    due_at=NOW + timedelta(hours=1))
    second = _assign("admin", course, user_ids=[person("employee").id, person("10005").id])
    _complete("10007", course)
    _complete("employee", course)
    supervisor = person("supervisor")
    with count_statements() as one:
        follow.summaries(supervisor, [first.id], NOW + timedelta(hours=2))
    with count_statements() as two:
        mine = follow.summaries(supervisor, [first.id, second.id], NOW + timedelta(hours=2))
    assert one() == two() <= 5  # the grouped statement, plus the scope look-ups and its ids
    assert (mine[first.id].total, mine[first.id].completed, mine[first.id].rate) == (1, 1, 100)
    assert (mine[second.id].total, mine[second.id].completed, mine[second.id].rate) == (2, 1, 50)
    everyone = follow.summaries(person("admin"), [first.id], NOW + timedelta(hours=2))
    assert (everyone[first.id].total, everyone[first.id].overdue) == (2, 1)  # and 马丽


def test_a_reminder_goes_once_a_day_to_everyone_not_done(course):
    assignment = _assign("admin", course, department_ids=[department("客服中心").id])
    _complete("10005", course)
    assert actions.remind(person("supervisor"), assignment, NOW) == 1
    assert actions.remind(person("supervisor"), assignment, NOW + timedelta(hours=3)) == 0
    assert actions.remind(person("supervisor"), assignment, NOW + timedelta(days=1)) == 1
    db.session.commit()
    reminded = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "reminder")).all()
    assert reminded == [person("employee").id] * 2


def test_reminders_are_refused_for_cancelled_or_future_assignments(course):
    future = _assign("supervisor", course, user_ids=[person("employee").id],
                     starts_at=NOW + timedelta(days=2))
    with pytest.raises(DomainError):
        actions.remind(person("supervisor"), future, NOW)
    actions.cancel(person("supervisor"), future, NOW)
    with pytest.raises(DomainError):
        actions.remind(person("supervisor"), future, NOW + timedelta(days=3))


def test_an_extension_is_only_for_someone_in_scope_who_owes_it(course):
    assignment = _assign("admin", course, user_ids=[person("employee").id,
                                                    person("10012").id])
    later = NOW + timedelta(days=3)
    for login in ("10012", "10005"):  # outside the supervisor's departments; not assigned
        with pytest.raises(DomainError):
            actions.extend_for(person("supervisor"), assignment, person(login).id, later, NOW)
    extension = actions.extend_for(person("supervisor"), assignment, person("employee").id,
                                   later, NOW)
    assert (extension.user_id, extension.due_at) == (person("employee").id, later)
    actions.extend_for(person("admin"), assignment, person("10012").id, later, NOW)


def test_only_the_giver_or_an_admin_cancels(course):
    given = _assign("admin", course, user_ids=[person("employee").id])
    with pytest.raises(DomainError):
        actions.cancel(person("supervisor"), given, NOW)
    actions.cancel(person("admin"), given, NOW)
    assert given.cancelled_at == NOW
    with pytest.raises(DomainError):
        actions.cancel(person("admin"), given, NOW)


def test_assigning_tells_the_people_at_once_unless_it_starts_later(course):
    now = actions.assign_and_notify(person("supervisor"), AssignmentData(
        kind="course", item_id=course.id, department_ids=[department("客服中心").id]), NOW)
    later = actions.assign_and_notify(person("supervisor"), AssignmentData(
        kind="course", item_id=course.id, user_ids=[person("employee").id],
        starts_at=NOW + timedelta(days=1)), NOW)
    db.session.commit()
    told = db.session.execute(select(Notification.assignment_id, func.count()).group_by(
        Notification.assignment_id)).all()
    assert told == [(now.id, 2)]
    assert later.id not in dict(told)


def test_what_one_person_owes(course):
    first = _assign("admin", course, user_ids=[person("employee").id])
    _assign("admin", course, user_ids=[person("10005").id])
    _complete("employee", course)
    rows = follow.owed_by(person("employee"), NOW)
    assert [(row.Assignment.id, row.status) for row in rows] == [(first.id, "completed")]
    assert follow.item_titles([first]) == {first.id: "跟进课程"}
