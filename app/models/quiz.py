"""Question banks: banks, their category tree (as paths), questions and immutable versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow


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
