"""Surveys (问卷): a trainer's questions, who has answered (completion), and the answers.

Anonymity is a property of the storage, not of the pages: a survey's answers
(`SurveyResponse`, `SurveyAnswer`) have no user column, no foreign key to anything that names
a person, no timestamp at all, and random UUID keys (never a sequence that follows the
order of completion); on SQLite they are WITHOUT ROWID tables, so even the hidden row number
does not keep the order they came in. Who has answered lives apart, in `SurveyCompletion`
(status, progress, "one answer each"). Only a survey that is *not* anonymous adds a
`SurveyRespondent` row naming the person of a response. See docs/surveys.md.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow
from app.models.items import ItemReference

SURVEY_STATES = ("draft", "published", "closed")
QUESTION_TYPES = ("single", "multiple", "rating", "nps", "text")
NO_ROWID = {"sqlite_with_rowid": False}  # SQLite: no hidden insertion-ordered row number


def random_key() -> str:
    return uuid.uuid4().hex


class Survey(TimestampMixin, db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(String(10), default="draft")  # SURVEY_STATES
    archived: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.rank", cascade="all, delete-orphan")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    rank: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(10))  # QUESTION_TYPES
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)  # single / multiple
    required: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyCompletion(db.Model):
    """Who has answered a survey (and when): progress and status read this, never answers.
    Unique per person: two tabs sending at once make one completion, the other is refused."""

    __tablename__ = "survey_completions"
    __table_args__ = (UniqueConstraint("survey_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyResponse(db.Model):
    """One person's answers, with nothing that says who or when (module doc)."""

    __tablename__ = "survey_responses"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """One question's answer: `number` (the chosen option's index, a rating 1–5, an NPS
    0–10), `choices` (the option indexes of a multiple choice) or `text`."""

    __tablename__ = "survey_answers"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int | None]
    choices: Mapped[Any | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class SurveyRespondent(db.Model):
    """The person of a response — written only for surveys that are not anonymous."""

    __tablename__ = "survey_respondents"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)


class SurveyAttachment(ItemReference, db.Model):
    """A survey as the evaluation (课后评估) of an item: shown to the learner once they have
    finished it. Allowing another kind is one line: add its key to `item_kinds` (the mixin
    declares its column, `item_foreign_keys`) and write the migration."""

    __tablename__ = "survey_attachments"
    item_kinds = ("course", "path", "class")
    item_foreign_keys = True

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(10))

    survey: Mapped[Survey] = relationship()
