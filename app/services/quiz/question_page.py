"""The question page of an open attempt (`/learn/attempts/<id>?q=N`) from one statement:
the attempt and its title, every question's rank and whether it is answered (the map), and
the question asked in full with its version. A core statement built once per worker; row
tuples, no ORM graph (loading 20 `AttemptQuestion` rows decoded 60 JSON values for a map
that needs 20 booleans).

None when the page is not a plain question of an open attempt — handed in, overdue (the
view hands it in), a position outside the attempt, not the user's: the view's full path
(`load_attempt_at`) decides, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, func, select

from app.extensions import db
from app.models import AttemptQuestion, QuestionVersion, QuizAttempt, SopVersion
from app.models.attempts import IN_PROGRESS
from app.models.quiz import Quiz
from app.services.quiz.attempts import is_overdue
from app.services.quiz.quick_save import answered
from app.services.quiz.taking import QuestionView

ATTEMPTS = QuizAttempt.__table__
ROWS = AttemptQuestion.__table__
ASKED = AttemptQuestion.__table__.alias("asked")
VERSIONS = QuestionVersion.__table__


@dataclass(frozen=True)
class Version:
    data: dict


@dataclass(frozen=True)
class AskedRow:
    """The question asked, with what a question page and its widgets read of an
    `AttemptQuestion` (`taking.QuestionView`)."""

    id: int
    rank: int
    points: float
    layout: dict | None
    response: Any
    answered_at: datetime | None
    fraction: float | None
    needs_review: bool
    feedback: list
    version: Version

    @property
    def score(self) -> float | None:
        return None if self.fraction is None else self.fraction * self.points


@dataclass(frozen=True)
class PageAttempt:
    """What the page reads of the attempt (the template's `attempt`)."""

    id: int
    mode: str
    state: str
    deadline: datetime | None
    quiz_title: str | None  # None: a wrong-question round or a re-check
    recheck_title: str | None


@dataclass(frozen=True)
class QuestionPage:
    attempt: PageAttempt
    answered: list[bool]  # by rank: the map
    view: QuestionView  # the question asked


def question_page(attempt_id: int, user_id: int, position: int | None, now: datetime
                  ) -> QuestionPage | None:
    """The page's data in one statement, or None (see the module's docstring)."""
    rows = db.session.connection().execute(_statement(), {
        "attempt_id": attempt_id, "user_id": user_id, "pos": position}).all()
    if not rows:
        return None
    first = rows[0]
    attempt = PageAttempt(attempt_id, first.mode, first.state, first.deadline,
                          first.quiz_title, first.recheck_title)
    asked = next((row for row in rows if row.asked_id is not None), None)
    if attempt.state != IN_PROGRESS or asked is None or is_overdue(attempt, now):
        return None
    row = AskedRow(asked.asked_id, asked.rank, asked.points, asked.layout, asked.response,
                   asked.answered_at, asked.fraction, asked.needs_review, asked.feedback,
                   Version(asked.data))
    return QuestionPage(attempt, [bool(found.answered) for found in rows],
                        QuestionView(row, attempt.mode))


@lru_cache(maxsize=1)
def _statement():
    """Built once per worker: the attempt ⟕ its quiz's / re-checked version's title ⋈ its
    questions (rank, answered) ⟕ the one asked (at `pos`, else where the taker was) ⟕ its
    version."""
    quizzes, sop_versions = Quiz.__table__, SopVersion.__table__
    rank = func.coalesce(bindparam("pos", type_=ROWS.c.rank.type), ATTEMPTS.c.current_rank)
    joined = (ATTEMPTS.join(ROWS, ROWS.c.attempt_id == ATTEMPTS.c.id)
              .outerjoin(quizzes, quizzes.c.id == ATTEMPTS.c.quiz_id)
              .outerjoin(sop_versions, sop_versions.c.id == ATTEMPTS.c.recheck_version_id)
              .outerjoin(ASKED, and_(ASKED.c.id == ROWS.c.id, ROWS.c.rank == rank))
              .outerjoin(VERSIONS, VERSIONS.c.id == ASKED.c.version_id))
    return (select(ATTEMPTS.c.mode, ATTEMPTS.c.state, ATTEMPTS.c.deadline,
                   quizzes.c.title.label("quiz_title"),
                   sop_versions.c.title.label("recheck_title"),
                   ROWS.c.rank, answered(ROWS.c.response).label("answered"),
                   ASKED.c.id.label("asked_id"), ASKED.c.points, ASKED.c.layout,
                   ASKED.c.response, ASKED.c.answered_at, ASKED.c.fraction,
                   ASKED.c.needs_review, ASKED.c.feedback, VERSIONS.c.data)
            .select_from(joined)
            .where(ATTEMPTS.c.id == bindparam("attempt_id"),
                   ATTEMPTS.c.user_id == bindparam("user_id"))
            .order_by(ROWS.c.rank))
