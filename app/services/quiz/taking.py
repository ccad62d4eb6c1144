"""The employee's side of quizzes, as page models: a quiz's start page, 我的学习's quiz cards,
the questions of an attempt with what each may show, and answering.

Pure domain code like the rest of services/: the acting user and `now` are arguments; it adds
and flushes, the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import AttemptQuestion, QuizAttempt, User
from app.models.attempts import FINISHED, IN_PROGRESS
from app.models.quiz import Quiz
from app.services.quiz.attempts import (
    StartCheck,
    attempts_of,
    check_start,
    expire_if_overdue,
    question_at,
    save_answer,
)
from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.grading import QuizResult, quiz_result
from app.services.quiz.quizzes import question_count, quiz_meant_for
from app.services.quiz.types import QuestionType, get_type
from app.services.quiz.types.parsing import is_blank

FULL = 1.0 - 1e-9


@dataclass(frozen=True)
class QuizOverview:
    """A quiz's start page: the user's attempts, whether they may start, the score that counts."""

    quiz: Quiz
    attempts: list[QuizAttempt]
    check: StartCheck
    result: QuizResult
    questions: int
    handed_in: bool = False  # an overdue open attempt was submitted now: the view commits


def quiz_overview(quiz: Quiz, user: User, now: datetime) -> QuizOverview:
    """The start page of `quiz` for `user` at `now`; an overdue open attempt is submitted first."""
    attempts = attempts_of(quiz, user)
    handed_in = any(a.state == IN_PROGRESS and expire_if_overdue(a, now) for a in attempts)
    if handed_in:
        attempts = attempts_of(quiz, user)
    return QuizOverview(quiz, attempts, check_start(quiz, user, attempts, now),
                        quiz_result(quiz, attempts), question_count(quiz), handed_in)


@dataclass(frozen=True)
class QuizCard:
    """A stand-alone quiz on 我的学习 with the user's attempts (all, and finished)."""

    quiz: Quiz
    attempts: int
    finished: int


def standalone_quiz_cards(user: User) -> list[QuizCard]:
    """Quizzes meant for the user that belong to no course or SOP module: two statements."""
    quizzes = list(db.session.execute(
        select(Quiz).where(quiz_meant_for(user), Quiz.course_id.is_(None),
                           Quiz.sop_module_id.is_(None)).order_by(Quiz.id)).scalars())
    counts = attempt_counts([quiz.id for quiz in quizzes], user)
    return [QuizCard(quiz, *counts.get(quiz.id, (0, 0))) for quiz in quizzes]


@dataclass(frozen=True)
class QuestionView:
    """One question of an attempt as a page shows it: the version asked, its type plug-in,
    the saved response and (for review) the response that earns full credit."""

    row: AttemptQuestion
    mode: str

    @property
    def data(self) -> dict:
        return self.row.version.data

    @property
    def kind(self) -> QuestionType:
        return get_type(self.data["type"])

    @property
    def payload(self) -> dict:
        return self.data.get("payload", {})

    @property
    def layout(self) -> dict:
        return self.row.layout or {}

    @property
    def response(self) -> Any:
        return canonical(self.row.response)

    @property
    def answered(self) -> bool:
        return self.row.response is not None

    @property
    def locked(self) -> bool:
        """Practice answers are final once checked."""
        return self.mode != "exam" and self.row.answered_at is not None

    @property
    def correct(self) -> Any:
        data = QuestionData.from_dict(self.data)
        return canonical(self.kind.correct_response(data))

    @property
    def outcome(self) -> str:
        """right | partial | wrong | waiting | ungraded."""
        if self.row.needs_review:
            return "waiting"
        fraction = self.row.fraction
        if fraction is None:
            return "ungraded"
        return "right" if fraction >= FULL else "partial" if fraction > 0 else "wrong"


def canonical(response: Any) -> Any:
    """A stored response with JSON's string keys (matching) turned back into indexes."""
    if isinstance(response, dict):
        return {int(key): value for key, value in response.items()}
    return response


def question_views(attempt: QuizAttempt) -> list[QuestionView]:
    return [QuestionView(row, attempt.mode) for row in attempt.questions]


def answer(attempt: QuizAttempt, position: Any, raw: Any, now: datetime) -> AttemptQuestion:
    """Save an answer (attempts.save_answer). In practice, sending a checked answer again, or
    nothing, for a question already checked is not an error: it leaves the answer alone."""
    row = question_at(attempt, position)
    if attempt.state == IN_PROGRESS and QuestionView(row, attempt.mode).locked:
        if is_blank(raw) or _same(row, raw):
            return row
    return save_answer(attempt, position, raw, now)


def _same(row: AttemptQuestion, raw: Any) -> bool:
    data = QuestionData.from_dict(row.version.data)
    try:
        return get_type(data.type).normalise_response(data, raw) == canonical(row.response)
    except QuestionError:
        return False


def remaining_seconds(attempt: QuizAttempt, now: datetime) -> int | None:
    """Whole seconds left before the attempt's deadline (None without a deadline)."""
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - now).total_seconds()))


def attempt_counts(quiz_ids: list[int], user: User) -> dict[int, tuple[int, int]]:
    """quiz id → (attempts, finished attempts) of the user, in one query."""
    if not quiz_ids:
        return {}
    finished = func.sum(func.cast(QuizAttempt.state == FINISHED, db.Integer))
    rows = db.session.execute(
        select(QuizAttempt.quiz_id, func.count(), finished)
        .where(QuizAttempt.quiz_id.in_(quiz_ids), QuizAttempt.user_id == user.id)
        .group_by(QuizAttempt.quiz_id)).all()
    return {quiz_id: (count, int(done or 0)) for quiz_id, count, done in rows}
