"""A class's progress for the item registry (kind "class"), and what 我的任务 shows of it.

Done = attended (checked in and out by QR code, or marked present by hand; a hand mark
overrides the scans) and, when the class has a pass score, scored at least that. Failed =
attended and scored below the pass score. Started = enrolled in a session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select

from app.extensions import db
from app.models import ClassEnrolment, ClassSession, TrainingClass, User
from app.services.sql_hints import among


def attended():
    """SQL: the enrolment counts as attended."""
    return or_(ClassEnrolment.marked == "present",
               and_(ClassEnrolment.marked.is_(None), ClassEnrolment.checked_in_at.is_not(None),
                    ClassEnrolment.checked_out_at.is_not(None)))


def class_progress(user_filter=None):
    """(user_id, item_id=class_id, started, done, done_at, failed): one row per enrolment."""
    scored = ClassEnrolment.score.is_not(None)
    passed = or_(TrainingClass.pass_score.is_(None),
                 and_(scored, ClassEnrolment.score >= TrainingClass.pass_score))
    below = and_(TrainingClass.pass_score.is_not(None), scored,
                 ClassEnrolment.score < TrainingClass.pass_score)
    query = (select(ClassEnrolment.user_id, ClassEnrolment.class_id.label("item_id"),
                    literal(1).label("started"),
                    case((and_(attended(), passed), 1), else_=0).label("done"),
                    func.coalesce(ClassEnrolment.marked_at,
                                  ClassEnrolment.checked_out_at).label("done_at"),
                    case((and_(attended(), below), 1), else_=0).label("failed"))
             .join(TrainingClass, TrainingClass.id == ClassEnrolment.class_id))
    if user_filter is not None:
        query = query.where(among(ClassEnrolment.user_id, user_filter))
    return query.subquery("class_progress")


def class_titles():
    """(item_id, title): what a class's certificate says."""
    return select(TrainingClass.id.label("item_id"), TrainingClass.title).subquery("class_titles")


def class_details(user: User, tasks: list, now: datetime) -> None:
    """The session each class task's person is enrolled in (time, place): one statement."""
    ids = {task.assignment.class_id for task in tasks}
    if not ids:
        return
    sessions = {row.class_id: row for row in db.session.execute(
        select(ClassEnrolment.class_id, ClassSession.starts_at, ClassSession.place,
               ClassEnrolment.leave_status)
        .join(ClassSession, ClassSession.id == ClassEnrolment.session_id)
        .where(ClassEnrolment.user_id == user.id, ClassEnrolment.class_id.in_(ids)))}
    for task in tasks:
        task.class_session = sessions.get(task.assignment.class_id)
