"""Quiz attempts, their questions (pinned to question versions) and the wrong-question book.

History is append-only: an attempt references the exact `QuestionVersion` it was asked, so
editing a question never changes a past attempt's score or review.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.content import SopVersion
from app.models.org import User
from app.models.quiz import Question, QuestionVersion, Quiz

IN_PROGRESS, GRADING, FINISHED = "in_progress", "grading", "finished"
OPEN_ATTEMPT = text("state = 'in_progress'")
OPEN_ROUND = text("state = 'in_progress' AND quiz_id IS NULL AND recheck_version_id IS NULL")
OPEN_RECHECK = text("state = 'in_progress' AND recheck_version_id IS NOT NULL")
WAITING_FOR_GRADING = text("state = 'grading'")
# An answer waiting for a grader, written as the queries write `needs_review.is_(True)` on
# each database, so both planners see the partial index below answers them.
ANSWER_WAITING_SQLITE = text("needs_review IS 1")
ANSWER_WAITING_POSTGRESQL = text("needs_review IS true")


class QuizAttempt(db.Model):
    """One sitting of a quiz by one employee (or, with no quiz, a round of their
    wrong-question book or the re-check of an SOP version's changed steps). `state`:
    in_progress → grading (short answers wait for a person) → finished.

    The database keeps one open attempt per person and quiz (and one open round of the
    wrong-question book per person): two 开始 at once land on the same attempt."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        Index("uq_quiz_attempts_open", "user_id", "quiz_id", unique=True,
              postgresql_where=OPEN_ATTEMPT, sqlite_where=OPEN_ATTEMPT),
        Index("uq_quiz_attempts_open_round", "user_id", unique=True,
              postgresql_where=OPEN_ROUND, sqlite_where=OPEN_ROUND),
        Index("uq_quiz_attempts_open_recheck", "user_id", "recheck_version_id", unique=True,
              postgresql_where=OPEN_RECHECK, sqlite_where=OPEN_RECHECK),
        # A team lead's 阅卷 count: each team member's attempts in 待批改 (a few in a hundred).
        # With the id (PostgreSQL: INCLUDE; SQLite's index entries carry the rowid), so the
        # organisation-wide count of a trainer's 阅卷 badge reads the index alone.
        Index("ix_quiz_attempts_grading_user", "user_id", postgresql_include=["id"],
              postgresql_where=WAITING_FOR_GRADING, sqlite_where=WAITING_FOR_GRADING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    mode: Mapped[str] = mapped_column(String(10))  # exam | practice | wrong_book
    state: Mapped[str] = mapped_column(String(12), default=IN_PROGRESS, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[float | None]
    max_score: Mapped[float] = mapped_column(default=0.0)
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    pass_percent: Mapped[float] = mapped_column(default=60.0)
    current_rank: Mapped[int] = mapped_column(default=0)
    # Any change (answer saved, submitted, graded): what the API's `updated_since` reads.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow,
                                                 onupdate=utcnow, index=True)

    # A re-check after an SOP version that requires re-acknowledgement (no quiz): the
    # questions attached to the steps that changed (services/content/recheck.py).
    recheck_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("sop_versions.id"), index=True)

    quiz: Mapped[Quiz | None] = relationship()
    user: Mapped[User] = relationship()
    recheck_version: Mapped[SopVersion | None] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.rank",
        cascade="all, delete-orphan")


class AttemptQuestion(db.Model):
    """One question of an attempt: the version asked, the order its options were shown in,
    the saved response and its grade (by the machine, or by a person for short answers)."""

    __tablename__ = "attempt_questions"
    __table_args__ = (
        UniqueConstraint("attempt_id", "rank"),
        # The answers waiting for a grader (a few in ten thousand), by attempt: the 阅卷
        # badge of a trainer or admin counts them on every page (grading_queue).
        Index("ix_attempt_questions_waiting", "attempt_id",
              postgresql_where=ANSWER_WAITING_POSTGRESQL, sqlite_where=ANSWER_WAITING_SQLITE),
        # SQLite only: the grades of a few hundred attempts read from the index alone — the
        # takers tied at quiz analytics' 27 % cut (analytics/tallied.py), ~330 of them for an
        # exam of 5,000, were 20 table rows each, scattered over the file: 6.8 → 3.5 ms at
        # 10,000 staff. Not on PostgreSQL: a grade written to an indexed column is never a
        # HOT update there, and 交卷 writes 20 grades (migrations/env.py leaves it out there).
        Index("ix_attempt_questions_grades", "attempt_id", "question_id", "fraction"
              ).ddl_if(dialect="sqlite"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"),
                                            index=True)
    rank: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    points: Mapped[float]
    # Copied from the quiz item when the attempt starts: not fully right → the exam fails.
    must_pass: Mapped[bool] = mapped_column(default=False)
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # shuffled orders
    response: Mapped[Any | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fraction: Mapped[float | None]
    feedback: Mapped[list] = mapped_column(JSON, default=list)
    needs_review: Mapped[bool] = mapped_column(default=False, index=True)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grader_comment: Mapped[str] = mapped_column(Text, default="")
    rubric_marks: Mapped[list] = mapped_column(JSON, default=list)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="questions")
    version: Mapped[QuestionVersion] = relationship()
    graded_by: Mapped[User | None] = relationship()

    @property
    def score(self) -> float | None:
        return None if self.fraction is None else self.fraction * self.points


class WrongQuestion(db.Model):
    """A question in an employee's wrong-question book (错题本). It enters on a wrong answer
    and leaves (`cleared_at`) after two correct answers in a row; a later wrong answer
    brings it back."""

    __tablename__ = "wrong_questions"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    wrong_count: Mapped[int] = mapped_column(default=0)
    correct_streak: Mapped[int] = mapped_column(default=0)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    question: Mapped[Question] = relationship()


class QuizTaker(db.Model):
    """Maintained (app.services.analytics.taker_rows): each person's FIRST finished exam
    attempt of a quiz (lowest attempt number), the taker the quiz analytics count when no date
    range is chosen. Written when an attempt is finished (graded, regraded); rebuilt from the
    attempts by `flask --app wsgi analytics rebuild`."""

    __tablename__ = "quiz_takers"
    # The takers counted by percent (the score summary, the 27 % cut) and the attempt at a
    # place among one percent's takers, read from this index alone (analytics.tallied)
    __table_args__ = (Index("ix_quiz_takers_percent", "quiz_id", "percent", "attempt_id",
                            "passed"),)

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), unique=True)
    number: Mapped[int]
    percent: Mapped[float]
    passed: Mapped[bool | None]


class QuizAnswerTally(db.Model):
    """Maintained (app.services.analytics.answer_tallies): how many of a quiz's takers (the
    rows of quiz_takers) gave an answer of this kind — question, version asked, the taker's
    percent, the grade and, for choice questions, the response as JSON text — so the item
    analysis and the option distribution add up a few thousand rows instead of reading every
    taker's answers. Integer counts only: exact whatever the order of events; rebuilt by
    `flask --app wsgi analytics rebuild`."""

    __tablename__ = "quiz_answer_tallies"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"),
                                            primary_key=True)
    percent: Mapped[float] = mapped_column(primary_key=True)  # the taker's attempt percent
    graded: Mapped[bool] = mapped_column(primary_key=True)  # fraction not NULL
    fraction: Mapped[float] = mapped_column(primary_key=True)  # 0 when not graded
    response: Mapped[str] = mapped_column(Text, primary_key=True)  # choice types, else ''
    people: Mapped[int]


class PersonQuestionTally(db.Model):
    """Maintained (app.services.analytics.person_tallies): one person's graded answers to one
    question over all their finished attempts of one quiz (every mode) — how many, and the sum
    of their fractions — so the team dashboard's weakest questions add up one row per person
    and question instead of reading every answer of the team's history. Written when an
    attempt is finished or regraded; rebuilt by `flask --app wsgi analytics rebuild`.

    The primary key leads with the quiz, then the person: the dashboard reads the rows of the
    quizzes in view and the people in view as index ranges. On SQLite the table is the key
    (WITHOUT ROWID): those ranges are the rows themselves."""

    __tablename__ = "quiz_question_person_tallies"
    __table_args__ = ({"sqlite_with_rowid": False},)

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    answers: Mapped[int]  # graded answers (fraction not NULL)
    fraction_sum: Mapped[float]  # the sum of their fractions
