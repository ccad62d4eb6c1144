"""Offline classes (线下课): a class a trainer runs in person, its sessions (场次), who is
enrolled in which session, their attendance, leave requests (请假), scores and ratings.

- `TrainingClass`: the item that is assigned (kind "class" of the item registry). `pass_score`
  set: completing it also needs a score at least that high, entered by the trainer.
- `ClassSession`: one sitting (start, end, place, trainer, capacity). `enrolled` counts the
  seats taken; a seat is claimed by a conditional UPDATE (`enrolled < capacity`), so two
  people racing for the last seat never overbook it.
- `ClassEnrolment`: one person in one session; one per person and class (a unique row).
  Attendance: `checked_in_at` / `checked_out_at` by scanning the trainer's QR code, or
  `marked` ("present" / "absent") by hand with a reason (every hand mark is also logged in
  `AttendanceMark`). Leave: `leave_status` pending → approved / rejected by the supervisor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow

LEAVE_STATUSES = ("pending", "approved", "rejected")
MARKS = ("present", "absent")


class TrainingClass(TimestampMixin, db.Model):
    __tablename__ = "training_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    pass_score: Mapped[int | None]  # 0..100; None: attending is enough
    archived: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    sessions: Mapped[list[ClassSession]] = relationship(
        back_populates="training_class", order_by="ClassSession.starts_at")


class ClassSession(db.Model):
    __tablename__ = "class_sessions"
    __table_args__ = (CheckConstraint("enrolled >= 0 AND enrolled <= capacity", name="seats"),
                      CheckConstraint("ends_at > starts_at", name="times"))

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    capacity: Mapped[int]
    enrolled: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    training_class: Mapped[TrainingClass] = relationship(back_populates="sessions")
    trainer = relationship("User")


class ClassEnrolment(db.Model):
    __tablename__ = "class_enrolments"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),
                      CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)",
                                      name="rating"),
                      CheckConstraint("trainer_rating IS NULL OR "
                                      "(trainer_rating >= 1 AND trainer_rating <= 5)",
                                      name="trainer_rating"))

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    marked: Mapped[str | None] = mapped_column(String(10))  # present | absent, by hand
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[int | None]
    trainer_rating: Mapped[int | None]
    rating: Mapped[int | None]  # the attendee's rating of the session
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    leave_status: Mapped[str | None] = mapped_column(String(10))
    leave_reason: Mapped[str] = mapped_column(Text, default="")
    leave_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    leave_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[ClassSession] = relationship()
    user = relationship("User", foreign_keys=[user_id])


class AttendanceMark(db.Model):
    """The log of hand marks: who marked whom present or absent, when and why."""

    __tablename__ = "attendance_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("class_enrolments.id"), index=True)
    mark: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
