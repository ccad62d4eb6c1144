"""The in-app notification centre: new assignment, due soon, overdue, reminder, graded,
returned for rework. Every notification has a key unique per person, so sending is
idempotent: a second run, a retried request or two workers at once add nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment, Notification
from app.services import kept_users
from app.services.assign.status import status_query

KINDS = ("assigned", "due_soon", "overdue", "reminder", "graded", "returned", "signed_off",
         "account_locked", "account_locked_admin", "cert_expiring")
DUE_SOON_DAYS = 2
CHUNK = 500


def add_notifications(rows: list[dict], now: datetime) -> int:
    """INSERT the rows (user_id, kind, key[, assignment_id, params, url]) unless a row with
    the same (user_id, key) exists; chunked; the number of rows given."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), CHUNK):
        chunk = [{"assignment_id": None, "params": {}, "url": "", "created_at": now, **row}
                 for row in rows[start:start + CHUNK]]
        db.session.execute(insert(Notification).values(chunk).on_conflict_do_nothing(
            index_elements=["user_id", "key"]))
    return len(rows)


def notify(user_id: int, kind: str, key: str, now: datetime, *, url: str = "",
           assignment_id: int | None = None, **params) -> None:
    """One notification (nothing when this person already has one with this key)."""
    add_notifications([{"user_id": user_id, "kind": kind, "key": key, "url": url,
                        "assignment_id": assignment_id, "params": params}], now)


def notify_assigned(now: datetime, *where) -> int:
    """"New assignment" for everyone who owes a started assignment and was not told yet
    (including people who joined a position or department later)."""
    rows = db.session.execute(status_query(now, Assignment.starts_at <= now, *where)).all()
    return add_notifications([{"user_id": r.user_id, "kind": "assigned",
                               "key": f"assigned:{r.assignment_id}",
                               "assignment_id": r.assignment_id} for r in rows], now)


def notify_due(now: datetime, days_before: int = DUE_SOON_DAYS) -> tuple[int, int]:
    """"Due soon" (within `days_before` days) and "overdue", once per person, assignment
    and due date (an extension makes a new due date, so a new reminder)."""
    soon, late = [], []
    horizon = now + timedelta(days=days_before)
    for row in db.session.execute(status_query(now, Assignment.starts_at <= now)):
        if row.due_at is None or row.status in ("completed", "failed"):
            continue
        stamp = row.due_at.strftime("%Y%m%d%H%M")
        base = {"user_id": row.user_id, "assignment_id": row.assignment_id}
        if row.status == "overdue":
            late.append({**base, "kind": "overdue",
                         "key": f"overdue:{row.assignment_id}:{stamp}"})
        elif row.due_at <= horizon:
            soon.append({**base, "kind": "due_soon",
                         "key": f"due_soon:{row.assignment_id}:{stamp}"})
    return add_notifications(soon, now), add_notifications(late, now)


def unread_count_query(user: User) -> Select:
    return unread_count_of(user.id)


def unread_count_of(user_id) -> Select:
    """The count of a user id (or of a bound parameter standing for one)."""
    return select(func.count()).where(Notification.user_id == user_id,
                                      Notification.read_at.is_(None))


def unread_count(user: User) -> int:
    return db.session.scalar(unread_count_query(user))


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_read(user: User, now: datetime, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications (or all of them) as read."""
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=now).execution_options(
        synchronize_session=False, **{kept_users.USER_OPTION: user.id}))
