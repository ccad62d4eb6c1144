"""What the runner prepares in the database before it measures: which employees to sign in,
fresh open attempts with every answer saved (each 交卷 needs one), and for the deadline
burst, deadlines moved into the same minute. Written in bulk, like the seed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update

from app.extensions import db
from app.models import AttemptQuestion, QuestionVersion, Quiz, QuizAttempt, User, UserRole
from app.models.attempts import IN_PROGRESS
from app.models.base import utcnow
from tests.bench.bulk import BulkWriter
from tests.bench.seed_content import describe

TIME_LIMIT = timedelta(minutes=30)


def employees(count: int) -> list[tuple[int, str]]:
    """(id, login) of active people who are employees and nothing else, oldest first."""
    other_role = exists().where(and_(UserRole.user_id == User.id, UserRole.role != "employee"))
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.login).where(User.active.is_(True), ~other_role)
        .order_by(User.id).limit(count)).all()]


def quiz_id(slug: str) -> int:
    return db.session.scalar(select(Quiz.id).where(Quiz.slug == slug))


def open_attempts(slug: str, user_ids: list[int], answered: bool = True,
                  deadline: datetime | None = None) -> dict[int, int]:
    """A new open attempt of quiz `slug` for each user (their open one is handed in first:
    marked finished as it stands), every answer saved when `answered`; user → attempt."""
    quiz = next(q for q in _pools() if q.slug == slug)
    now, rng = utcnow(), random.Random(7)
    db.session.execute(update(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id.in_(user_ids),
        QuizAttempt.state == IN_PROGRESS).values(state="finished", submitted_at=now,
                                                 finished_at=now, score=0.0, percent=0.0,
                                                 passed=False))
    numbers = dict(db.session.execute(
        select(QuizAttempt.user_id, func.max(QuizAttempt.number))
        .where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id.in_(user_ids))
        .group_by(QuizAttempt.user_id)).all())
    writer, made = BulkWriter(db.session.connection), {}
    for user_id in user_ids:
        attempt_id = made[user_id] = writer.next_id("quiz_attempts")
        writer.add("quiz_attempts", {
            "id": attempt_id, "quiz_id": quiz.id, "user_id": user_id,
            "number": numbers.get(user_id, 0) + 1, "mode": "exam", "state": IN_PROGRESS,
            "started_at": now, "deadline": deadline or now + TIME_LIMIT,
            "max_score": quiz.max_score, "pass_percent": quiz.pass_percent,
            "current_rank": 0, "updated_at": now})
        for rank, item in enumerate(quiz.items):
            answer = item.right if rng.random() < 0.75 else item.wrong
            writer.add("attempt_questions", {
                "id": writer.next_id("attempt_questions"), "attempt_id": attempt_id,
                "rank": rank, "question_id": item.question_id, "version_id": item.version_id,
                "points": item.points, "layout": item.layouts[0],
                "response": answer.response if answered else None,
                "answered_at": now if answered and answer.response is not None else None})
    writer.close()
    db.session.commit()
    return made


_catalog = None


def _pools():
    global _catalog
    if _catalog is None:
        _catalog = describe(random.Random(0))
    return [_catalog.exam, *_catalog.pools]


def single_choice_positions(attempt_id: int) -> list[int]:
    """Positions of the attempt's single-choice questions (autosave answers "0" there)."""
    rows = db.session.execute(
        select(AttemptQuestion.rank, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
        .where(AttemptQuestion.attempt_id == attempt_id).order_by(AttemptQuestion.rank)).all()
    return [rank for rank, data in rows if data["type"] == "single_choice"]


def handed_in(attempt_ids: list[int]) -> dict[str, int]:
    """How the attempts stand: {state: count} and how many answers they keep."""
    states = dict(db.session.execute(
        select(QuizAttempt.state, func.count()).where(QuizAttempt.id.in_(attempt_ids))
        .group_by(QuizAttempt.state)).all())
    auto = db.session.scalar(select(func.count()).where(
        QuizAttempt.id.in_(attempt_ids), QuizAttempt.auto_submitted.is_(True)))
    kept = db.session.scalar(select(func.count()).where(
        AttemptQuestion.attempt_id.in_(attempt_ids), AttemptQuestion.response.is_not(None)))
    return dict(states, auto_submitted=auto, answers_kept=kept)


def open_count(slug: str, user_ids: list[int]) -> tuple[int, int]:
    """(open attempts, distinct people with one) of quiz `slug` among `user_ids`."""
    found = db.session.execute(
        select(func.count(), func.count(func.distinct(QuizAttempt.user_id)))
        .where(QuizAttempt.quiz_id == quiz_id(slug), QuizAttempt.user_id.in_(user_ids),
               QuizAttempt.state == IN_PROGRESS)).one()
    return found[0], found[1]
