"""The notification centre's page: a person's recent notifications, each with what its
sentence needs — the assignment's kind and item title — in one statement."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Course, Quiz, SopModule, User
from app.models.assignments import Assignment, LearningPath, Notification

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
    rows = db.session.execute(
        select(Notification, Assignment.kind, Course.title, Quiz.title, SopModule.title,
               LearningPath.title)
        .outerjoin(Assignment, Assignment.id == Notification.assignment_id)
        .outerjoin(Course, Course.id == Assignment.course_id)
        .outerjoin(Quiz, Quiz.id == Assignment.quiz_id)
        .outerjoin(SopModule, SopModule.id == Assignment.sop_module_id)
        .outerjoin(LearningPath, LearningPath.id == Assignment.path_id)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit))
    notices = []
    for notification, kind, *titles in rows:
        title = next((t for t in titles if t), None)
        params = notification.params if isinstance(notification.params, dict) else {}
        notices.append(Notice(notification, kind, title or str(params.get("title") or "")))
    return notices


def find_notification(user: User, notification_id: int) -> Notification | None:
    """One of the user's own notifications (None for anyone else's)."""
    return db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id))
