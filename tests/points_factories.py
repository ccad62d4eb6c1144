"""Records that earn points, written directly (the services that normally write them are
tested elsewhere): completed lessons, quiz attempts, practice runs. Committed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import CourseVersion, LessonProgress, PracticeRun, QuizAttempt, SopVersion
from app.models.base import utcnow
from tests.learning_factories import person


def complete_lessons(login: str, course, keys, at: datetime | None = None,
                     completed: bool = True) -> None:
    """`login` has opened (and, unless `completed` is False, completed) these lessons."""
    version_id = db.session.scalar(select(CourseVersion.id).where(
        CourseVersion.course_id == course.id).order_by(CourseVersion.number.desc()))
    for key in keys:
        db.session.add(LessonProgress(user_id=person(login).id, course_id=course.id,
                                      lesson_key=key, version_id=version_id,
                                      completed_at=(at or utcnow()) if completed else None))
    db.session.commit()


def attempt(login: str, quiz, *, passed: bool, mode: str = "exam",
            at: datetime | None = None, percent: float | None = None) -> QuizAttempt:
    """A finished attempt (numbered after the person's earlier ones at this quiz)."""
    user_id = person(login).id
    quiz_id = quiz.id if quiz is not None else None
    number = 1 + (db.session.scalar(select(func.max(QuizAttempt.number)).where(
        QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)) or 0)
    at = at or utcnow()
    row = QuizAttempt(quiz_id=quiz_id, user_id=user_id, number=number, mode=mode,
                      state="finished", started_at=at, submitted_at=at, finished_at=at,
                      score=1.0, max_score=1.0, passed=passed,
                      percent=percent if percent is not None else (100.0 if passed else 0.0))
    db.session.add(row)
    db.session.commit()
    return row


def run(login: str, module, *, status: str = "signed_off", at: datetime | None = None
        ) -> PracticeRun:
    """A practice run of `module` in `status`; signed off at `at` when signed off."""
    version_id = db.session.scalar(select(SopVersion.id).where(
        SopVersion.module_id == module.id).order_by(SopVersion.number.desc()))
    at = at or utcnow()
    row = PracticeRun(user_id=person(login).id, module_id=module.id, version_id=version_id,
                      case_code="CRM-2026-000001", status=status, case_at=at,
                      submitted_at=at if status != "draft" else None,
                      signed_off_at=at if status == "signed_off" else None)
    db.session.add(row)
    db.session.commit()
    return row
