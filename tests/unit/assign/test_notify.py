"""Notifications are idempotent per person and key: new assignments (also for people who
join later), due soon, overdue — and an extension makes a new due date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models.assignments import Notification
from app.services.assign import notify
from app.services.assign.assignments import AssignmentData, create_assignment, extend_due
from tests.learning_factories import make_course, person, position

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _kinds(login: str) -> list[str]:
    return sorted(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == person(login).id)))


def test_assigned_due_soon_and_overdue_are_sent_once(demo):
    course = make_course("notified")
    assignment = create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, position_ids=[position("护士").id],
        starts_at=NOW - timedelta(days=1), due_at=NOW + timedelta(days=1)), NOW)
    assert notify.notify_assigned(NOW) == 2
    assert notify.notify_assigned(NOW) == 2  # rows offered again, none added
    assert notify.notify_due(NOW) == (2, 0)
    notify.notify_due(NOW)
    db.session.commit()
    assert _kinds("10009") == ["assigned", "due_soon"]
    late = NOW + timedelta(days=2)
    notify.notify_due(late)
    notify.notify_due(late)
    extend_due(person("admin"), assignment, person("10009"), late + timedelta(days=1), late)
    notify.notify_due(late)
    db.session.commit()
    assert _kinds("10009") == ["assigned", "due_soon", "due_soon", "overdue"]
    assert _kinds("supervisor") == ["assigned", "due_soon", "overdue"]
    assert notify.unread_count(person("10009")) == 4
    notify.mark_read(person("10009"), late)
    db.session.commit()
    assert notify.unread_count(person("10009")) == 0


def test_someone_joining_the_position_later_is_told_on_the_next_run(demo):
    course = make_course("notified-later")
    create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, position_ids=[position("护士").id],
        starts_at=NOW - timedelta(days=1)), NOW)
    notify.notify_assigned(NOW)
    newcomer = person("10012")
    newcomer.position_id = position("护士").id
    db.session.commit()
    notify.notify_assigned(NOW)
    db.session.commit()
    assert _kinds("10012") == ["assigned"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 3


def test_a_future_assignment_is_announced_when_it_starts(demo):
    course = make_course("notified-future")
    create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, user_ids=[person("employee").id],
        starts_at=NOW + timedelta(days=3)), NOW)
    assert notify.notify_assigned(NOW) == 0
    assert notify.notify_assigned(NOW + timedelta(days=3)) == 1
