"""The notification centre's page: a person's recent notifications, each with what its
sentence needs — the assignment's kind and item title — in one statement."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment, Notification
from app.services.items import join_titles

PAGE_SIZE = 50


@dataclass
class Notice:
    notification: Notification
    item_kind: str | None  # the assignment's kind, when the notification has one
    title: str             # the assignment's item title, else params["title"]

    @property
    def kind(self) -> str:
        return self.notification.kind

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def inbox(user: User, limit: int = PAGE_SIZE) -> list[Notice]:
    """The user's newest notifications, newest first."""
    query, title = join_titles(
        select(Notification, Assignment.kind)
        .outerjoin(Assignment, Assignment.id == Notification.assignment_id), Assignment)
    rows = db.session.execute(
        query.add_columns(title)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit))
    notices = []
    for notification, kind, item_title in rows:
        params = notification.params if isinstance(notification.params, dict) else {}
        notices.append(Notice(notification, kind,
                              item_title or str(params.get("title") or "")))
    return notices


def find_notification(user: User, notification_id: int) -> Notification | None:
    """One of the user's own notifications (None for anyone else's)."""
    return db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id))
