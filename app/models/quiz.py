"""Question banks: banks, their category tree (as paths), questions and immutable versions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow
from app.models.items import ItemReference

if TYPE_CHECKING:
    from app.models.content import Course, SopModule


class QuestionBank(db.Model):
    """A named collection of questions (identity by slug)."""

    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuestionCategory(db.Model):
    """A category of one bank, by its full path ("top/sub"); parents are implied by the path."""

    __tablename__ = "question_categories"
    __table_args__ = (UniqueConstraint("bank_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id", ondelete="CASCADE"),
                                         index=True)
    path: Mapped[str] = mapped_column(String(500))


class Question(TimestampMixin, db.Model):
    """A question's identity and bank-level metadata; its content lives in its versions."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id"),
                                                    index=True)
    type: Mapped[str] = mapped_column(String(20))
    current_version: Mapped[int] = mapped_column(default=1)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    difficulty: Mapped[int] = mapped_column(default=3)
    points: Mapped[float] = mapped_column(default=1.0)
    archived: Mapped[bool] = mapped_column(default=False)
    # Where a synced question comes from ("courses/<slug>/quiz.toml#3"); None for bank questions.
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    bank: Mapped[QuestionBank] = relationship()
    category: Mapped[QuestionCategory | None] = relationship()
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )


class QuestionVersion(db.Model):
    """One immutable state of a question (`QuestionData.to_dict()`); attempts reference it.
    Editing a question adds a version and moves `Question.current_version`."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    number: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")


class Quiz(ItemReference, TimestampMixin, db.Model):
    """A quiz: its questions (fixed items and draw rules) and the rules of its attempts.

    A quiz may belong to a course or an SOP module (its audience is theirs) or stand alone:
    at most one of `course_id` and `sop_module_id` is set (the database checks it).
    `mode` is "exam" (考试: limits, deadline, grading method, review options) or "practice"
    (练习: unlimited, immediate feedback after each answer).
    """

    __tablename__ = "quizzes"
    item_kinds = ("course", "sop")  # the owner; no kind column: the id that is set says it
    item_kind_column = None

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10), default="exam")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    sop_module_id: Mapped[int | None] = mapped_column(ForeignKey("sop_modules.id"), index=True)
    pass_percent: Mapped[float] = mapped_column(default=60.0)
    time_limit_minutes: Mapped[int | None]
    max_attempts: Mapped[int | None]
    cooldown_minutes: Mapped[int] = mapped_column(default=0)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")
    review: Mapped[str] = mapped_column(String(15), default="immediately")
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    published: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(10), default="web")  # web | file
    source_hash: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    course: Mapped[Course | None] = relationship()
    sop_module: Mapped[SopModule | None] = relationship()
    items: Mapped[list[QuizItem]] = relationship(
        back_populates="quiz", order_by="QuizItem.rank", cascade="all, delete-orphan")
    draw_rules: Mapped[list[QuizDrawRule]] = relationship(
        back_populates="quiz", order_by="QuizDrawRule.rank", cascade="all, delete-orphan")


class QuizItem(db.Model):
    """A fixed question of a quiz; `points` overrides the question's own when set.
    `must_pass`: a learner who does not get this question fully right fails the exam,
    whatever the total (必过题: the compliance items of a compliance quiz)."""

    __tablename__ = "quiz_items"
    __table_args__ = (UniqueConstraint("quiz_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"),
                                         index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    rank: Mapped[int] = mapped_column(default=0)
    points: Mapped[float | None]
    must_pass: Mapped[bool] = mapped_column(default=False)
    # The key of the SOP step the question belongs to (SOP quizzes only): after a version that
    # requires re-acknowledgement, only the questions of changed steps are asked again.
    step_key: Mapped[str | None] = mapped_column(String(80))

    quiz: Mapped[Quiz] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()


class QuizDrawRule(db.Model):
    """Draw `count` random questions of a bank, narrowed by category (with sub-categories),
    tag and difficulty, at the start of each attempt."""

    __tablename__ = "quiz_draw_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"),
                                         index=True)
    rank: Mapped[int] = mapped_column(default=0)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id"))
    tag: Mapped[str | None] = mapped_column(String(100))
    difficulty: Mapped[int | None]
    count: Mapped[int] = mapped_column(default=1)
    points: Mapped[float | None]

    quiz: Mapped[Quiz] = relationship(back_populates="draw_rules")
    bank: Mapped[QuestionBank] = relationship()
    category: Mapped[QuestionCategory | None] = relationship()
