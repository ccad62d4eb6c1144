"""SOP practice on real cases (实操): checklist runs, their evidence, and supervisor reviews.

A run is one employee applying one published SOP version to one client case, named only by a
case code. Steps are filled in place while the run is open (draft, or returned for rework);
each submission freezes a snapshot of every step, and each review answers one submission, so
every round of submit → return → rework → sign off stays readable. Evidence photos are
re-encoded on upload (metadata gone) and never deleted: a replaced photo stays in history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow

RUN_STATUSES = ("draft", "submitted", "returned", "signed_off")
DECISIONS = ("signed_off", "returned")
OPEN_RUN = text("status IN ('draft', 'returned')")


class PracticeRun(TimestampMixin, db.Model):
    """One open run (draft or returned) per person, module and case code, kept by the
    database: 开始实操 twice for the same case lands on the same run."""

    __tablename__ = "practice_runs"
    __table_args__ = (
        Index("ix_practice_runs_user_module", "user_id", "module_id", "status"),
        Index("uq_practice_runs_open_case", "user_id", "module_id", "case_code", unique=True,
              postgresql_where=OPEN_RUN, sqlite_where=OPEN_RUN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("sop_modules.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sop_versions.id"))
    case_code: Mapped[str] = mapped_column(String(40))
    context: Mapped[str] = mapped_column(Text, default="")
    case_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    round: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
    module = relationship("SopModule")
    version = relationship("SopVersion")
    steps: Mapped[list[RunStep]] = relationship(
        back_populates="run", order_by="RunStep.rank", cascade="all, delete-orphan")


class EvidencePhoto(db.Model):
    """A photo of a screen or material, re-encoded without metadata. Served only to those who
    may see its run."""

    __tablename__ = "evidence_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("practice_runs.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RunStep(db.Model):
    """One step of a run as the employee filled it in; `step_key` names the version's step."""

    __tablename__ = "run_steps"
    __table_args__ = (UniqueConstraint("run_id", "step_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("practice_runs.id", ondelete="CASCADE"),
                                        index=True)
    step_key: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evidence_text: Mapped[str] = mapped_column(Text, default="")
    evidence_number: Mapped[float | None]
    evidence_link: Mapped[str] = mapped_column(String(500), default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_photos.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    script_draft: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    run: Mapped[PracticeRun] = relationship(back_populates="steps")
    photo: Mapped[EvidencePhoto | None] = relationship()


class RunSubmission(db.Model):
    """What the employee handed in for one round: a frozen copy of every step."""

    __tablename__ = "run_submissions"
    __table_args__ = (UniqueConstraint("run_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("practice_runs.id"), index=True)
    round: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    review: Mapped[RunReview | None] = relationship(back_populates="submission",
                                                    uselist=False)


class RunReview(db.Model):
    """A supervisor's answer to one submission: rubric scores, a decision and per-step comments.
    `scores` maps each rubric criterion (as worded at review time) to 1..5."""

    __tablename__ = "run_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("run_submissions.id"), unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("practice_runs.id"), index=True)
    round: Mapped[int]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[RunSubmission] = relationship(back_populates="review")
    reviewer = relationship("User")
    comments: Mapped[list[RunStepComment]] = relationship(
        back_populates="review", order_by="RunStepComment.id", cascade="all, delete-orphan")


class RunStepComment(db.Model):
    __tablename__ = "run_step_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("run_reviews.id", ondelete="CASCADE"),
                                           index=True)
    step_key: Mapped[str] = mapped_column(String(80))
    comment: Mapped[str] = mapped_column(Text)

    review: Mapped[RunReview] = relationship(back_populates="comments")
