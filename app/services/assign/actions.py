"""What a supervisor or an admin does to an assignment from the follow-up pages: give it (and
tell the people at once), remind everyone not done yet, extend one person's due date,
cancel it. Services add and flush; the view commits."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment, Notification
from app.permissions import Role
from app.services.assign import assignments, notify
from app.services.assign.follow import OPEN_STATUSES, follow_rows
from app.services.errors import DomainError, NotFound

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def assign_and_notify(actor: User, data: assignments.AssignmentData,
                      now: datetime) -> Assignment:
    """Create the assignment and give everyone it is for a "new assignment" notice at once
    (when it has started; a later start is announced by the daily run)."""
    assignment = assignments.create_assignment(actor, data, now)
    notify.notify_assigned(now, Assignment.id == assignment.id)
    return assignment


def remind(actor: User, assignment: Assignment, now: datetime) -> int:
    """An in-app reminder to each person (of the actor's scope) who has not completed the
    assignment, once per person and China-time day; the number of people reminded now."""
    _live(assignment)
    if assignment.starts_at > now:
        raise DomainError(_l("This assignment has not started yet."))
    key = f"reminder:{assignment.id}:{now.astimezone(LOCAL_ZONE):%Y%m%d}"
    owing = [row.user_id for row in follow_rows(actor, assignment, now)
             if row.status in OPEN_STATUSES]
    if not owing:
        return 0
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.key == key, Notification.user_id.in_(owing))))
    rows = [{"user_id": user_id, "kind": "reminder", "key": key,
             "assignment_id": assignment.id} for user_id in owing if user_id not in told]
    return notify.add_notifications(rows, now)


def extend_for(actor: User, assignment: Assignment, user_id: int | None,
               due_at: datetime | None, now: datetime):
    """A later due date for one person of the actor's scope who owes the assignment."""
    _live(assignment)
    if not follow_rows(actor, assignment, now, User.id == user_id):
        raise NotFound(_l("This person does not owe this assignment."), "user_id")
    if due_at is None:
        raise DomainError(_l("Choose the new due date."), "due_at")
    return assignments.extend_due(actor, assignment, db.session.get(User, user_id), due_at,
                                  now)


def cancel(actor: User, assignment: Assignment, now: datetime) -> None:
    """Cancel an assignment: by the person who gave it, or an admin."""
    _live(assignment)
    if assignment.created_by_id != actor.id and Role.ADMIN.value not in actor.roles:
        raise DomainError(_l("Only the person who gave this assignment, or an administrator, "
                             "can cancel it."))
    assignments.cancel(assignment, now)


def _live(assignment: Assignment) -> None:
    if assignment.cancelled_at is not None:
        raise DomainError(_l("This assignment was cancelled."))
