"""Assignments (学习任务), learning paths (学习地图 / 培训计划), notifications and the log of
reminders sent through outside channels.

An assignment gives one item — a course, a quiz, an SOP module or a learning path — to
whoever matches its targets *now*: a target row names a user, a department (with its
sub-departments), a position, or a position within a department (how a supervisor targets a
position: only inside the departments they lead). Membership is computed, never copied, so
someone who joins a position later owes the assignment and someone who leaves it no longer
does; what they did stays in their own records (progress, attempts, acknowledgements).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import RenewableMixin, TimestampMixin, UTCDateTime, utcnow
from app.models.items import ITEM_KINDS, ItemReference

__all__ = ["ITEM_KINDS"]  # re-exported: the BI schema lists the kinds
PATH_MODES = ("free", "dated", "gated")


class LearningPath(RenewableMixin, TimestampMixin, db.Model):
    """Ordered stages of courses, quizzes and SOP modules. `mode`: free (any order), dated
    (stage N opens `opens_after_days` after the person's start) or gated (闯关: a stage opens
    when the one before it is completed). A position's onboarding path is given to every
    new employee of that position on their first day."""

    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10), default="free")
    archived: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    stages: Mapped[list[PathStage]] = relationship(
        back_populates="path", order_by="PathStage.rank", cascade="all, delete-orphan")


class PathStage(db.Model):
    __tablename__ = "path_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id", ondelete="CASCADE"),
                                         index=True)
    rank: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    opens_after_days: Mapped[int] = mapped_column(default=0)

    path: Mapped[LearningPath] = relationship(back_populates="stages")
    items: Mapped[list[PathStageItem]] = relationship(
        back_populates="stage", order_by="PathStageItem.rank", cascade="all, delete-orphan")


class PathStageItem(ItemReference, db.Model):
    """One course, quiz or SOP module of a stage (exactly the id of its kind is set: the
    database checks it)."""

    __tablename__ = "path_stage_items"
    item_kinds = ("course", "quiz", "sop", "survey", "class")

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("path_stages.id", ondelete="CASCADE"),
                                          index=True)
    rank: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"))
    sop_module_id: Mapped[int | None] = mapped_column(ForeignKey("sop_modules.id"))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("training_classes.id"))

    stage: Mapped[PathStage] = relationship(back_populates="items")


class Assignment(ItemReference, TimestampMixin, db.Model):
    """One item given to the people its targets match, from `starts_at`, due at `due_at`
    (or `due_days` after each person's own start, for onboarding paths). Exactly the id of
    its kind is set (the database checks it)."""

    __tablename__ = "assignments"
    item_kinds = ITEM_KINDS

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    sop_module_id: Mapped[int | None] = mapped_column(ForeignKey("sop_modules.id"), index=True)
    path_id: Mapped[int | None] = mapped_column(ForeignKey("learning_paths.id"), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("training_classes.id"), index=True)
    # SOP modules: acknowledge (at least `sop_version_number` when set) and/or practise
    # `practice_runs` times, each run signed off by a supervisor after the assignment was given.
    acknowledge: Mapped[bool] = mapped_column(default=True)
    sop_version_number: Mapped[int | None]
    practice_runs: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_days: Mapped[int | None]
    # someone hired less than `grace_days` before `due_at` (or after it) is due that many days
    # after their hire date instead (新入职宽限天数)
    grace_days: Mapped[int] = mapped_column(default=7)
    required: Mapped[bool] = mapped_column(default=True)
    message: Mapped[str] = mapped_column(Text, default="")
    # manual | reack | onboarding | recert (a certificate lapsed: certificate_expiry.py)
    origin: Mapped[str] = mapped_column(String(12), default="manual")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    targets: Mapped[list[AssignmentTarget]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan")


class AssignmentTarget(db.Model):
    """Who an assignment is for: the conjunction of the ids that are set (a user; a
    department with its sub-departments; a position; a position within a department)."""

    __tablename__ = "assignment_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # indexed: a team's people meet their department targets through it (members.py)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))

    assignment: Mapped[Assignment] = relationship(back_populates="targets")


class AssignmentExtension(db.Model):
    """A later due date for one person."""

    __tablename__ = "assignment_extensions"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(db.Model):
    """An in-app notice. `key` makes sending idempotent (e.g. one "due soon" per assignment,
    person and day); `params` fill the kind's message when it is shown, in the reader's
    language."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # see app.services.assign.notify.KINDS
    key: Mapped[str] = mapped_column(String(120))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReminderDelivery(db.Model):
    """One message through an outside channel (WeCom robot, email), by its idempotency key
    (channel, day, recipient): a second run the same day finds it and sends nothing; a failed
    one is retried by the next run."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("channel", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(160))
    # pending → claimed (a run is sending it: claimed_at) → sent | failed. A claim older than
    # REMINDER_CLAIM_MINUTES belongs to a run that crashed: a later run takes it over.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tries: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
