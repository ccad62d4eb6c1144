"""Courses and SOP modules: an editable working copy, immutable published versions, media."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import RenewableMixin, TimestampMixin, UTCDateTime, utcnow
from app.models.org import Department, Position


class Media(db.Model):
    """An uploaded file (video, audio, PDF, image). Never changed after upload."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # video | audio | pdf | image
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _audience_table(name: str, owner: str, target: str) -> Table:
    return Table(
        name, db.metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}s.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{target}s.id", ondelete="CASCADE"),
               primary_key=True),
    )


course_positions = _audience_table("course_positions", "course", "position")
course_departments = _audience_table("course_departments", "course", "department")
sop_module_positions = _audience_table("sop_module_positions", "sop_module", "position")
sop_module_departments = _audience_table("sop_module_departments", "sop_module", "department")


# ---- courses ---------------------------------------------------------------------------------

class Course(RenewableMixin, TimestampMixin, db.Model):
    """A course's working copy (what trainers edit); learners read its latest version."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    cover_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(10), default="web")  # web | file
    source_hash: Mapped[str | None] = mapped_column(String(64))  # files as last synced
    archived: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    positions: Mapped[list[Position]] = relationship(secondary=course_positions)
    departments: Mapped[list[Department]] = relationship(secondary=course_departments)
    chapters: Mapped[list[CourseChapter]] = relationship(
        back_populates="course", order_by="CourseChapter.rank", cascade="all, delete-orphan"
    )
    cover: Mapped[Media | None] = relationship()


class CourseChapter(db.Model):
    __tablename__ = "course_chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="chapters")
    lessons: Mapped[list[CourseLesson]] = relationship(
        back_populates="chapter", order_by="CourseLesson.rank", cascade="all, delete-orphan"
    )


class CourseLesson(db.Model):
    """A lesson of the working copy; `key` stays the same across versions (progress uses it)."""

    __tablename__ = "course_lessons"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("course_chapters.id", ondelete="CASCADE"),
                                            index=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    rank: Mapped[int] = mapped_column(default=0)
    video_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    audio_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    pdf_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))

    chapter: Mapped[CourseChapter] = relationship(back_populates="lessons")
    video: Mapped[Media | None] = relationship(foreign_keys=[video_media_id])
    audio: Mapped[Media | None] = relationship(foreign_keys=[audio_media_id])
    pdf: Mapped[Media | None] = relationship(foreign_keys=[pdf_media_id])


class CourseVersion(db.Model):
    """A published, immutable snapshot of a course."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    change_note: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    course: Mapped[Course] = relationship()
    lessons: Mapped[list[CourseVersionLesson]] = relationship(
        order_by="CourseVersionLesson.rank", cascade="all, delete-orphan"
    )


class CourseVersionLesson(db.Model):
    """A lesson exactly as published in one course version."""

    __tablename__ = "course_version_lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"),
                                            index=True)
    key: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int]
    chapter_title: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    video_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    audio_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    pdf_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))


class LessonProgress(db.Model):
    """Where a learner is in a lesson; the lesson key survives new course versions."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    lesson_key: Mapped[str] = mapped_column(String(80))
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    media_position: Mapped[float] = mapped_column(default=0.0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# ---- SOP modules -----------------------------------------------------------------------------

class SopModule(RenewableMixin, TimestampMixin, db.Model):
    """An SOP module's working copy."""

    __tablename__ = "sop_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    owner_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(10), default="web")
    source_hash: Mapped[str | None] = mapped_column(String(64))
    archived: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Review criteria of practice runs (each scored 1–5); None means the default rubric.
    rubric: Mapped[list | None] = mapped_column(JSON)

    owner_position: Mapped[Position | None] = relationship()
    positions: Mapped[list[Position]] = relationship(secondary=sop_module_positions)
    departments: Mapped[list[Department]] = relationship(secondary=sop_module_departments)
    steps: Mapped[list[SopStep]] = relationship(
        back_populates="module", order_by="SopStep.rank", cascade="all, delete-orphan"
    )


class SopStep(db.Model):
    __tablename__ = "sop_steps"
    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("sop_modules.id", ondelete="CASCADE"),
                                           index=True)
    key: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    script: Mapped[str] = mapped_column(Text, default="")
    responsible_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    timing: Mapped[str] = mapped_column(String(100), default="")
    # What the timing's window counts from: "previous_step" (the last ticked earlier step)
    # or "case_start" (the run's case time); see services/practice/timing.py.
    timing_from: Mapped[str] = mapped_column(String(20), default="previous_step",
                                             server_default="previous_step")
    evidence_type: Mapped[str] = mapped_column(String(10), default="none")
    evidence_hint: Mapped[str] = mapped_column(String(300), default="")
    # A short name of the evidence ("团购名额总数") and, for a number, its unit ("元").
    evidence_label: Mapped[str] = mapped_column(String(60), default="", server_default="")
    evidence_unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    key_points: Mapped[list] = mapped_column(JSON, default=list)

    module: Mapped[SopModule] = relationship(back_populates="steps")
    responsible_position: Mapped[Position | None] = relationship()


class SopVersion(db.Model):
    """A published, immutable snapshot of an SOP module."""

    __tablename__ = "sop_versions"
    __table_args__ = (UniqueConstraint("module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("sop_modules.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    owner_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    change_note: Mapped[str] = mapped_column(Text, default="")
    requires_reack: Mapped[bool] = mapped_column(default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    module: Mapped[SopModule] = relationship()
    owner_position: Mapped[Position | None] = relationship()
    steps: Mapped[list[SopVersionStep]] = relationship(
        order_by="SopVersionStep.rank", cascade="all, delete-orphan"
    )


class SopVersionStep(db.Model):
    """A step exactly as published in one SOP version."""

    __tablename__ = "sop_version_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sop_versions.id", ondelete="CASCADE"),
                                            index=True)
    key: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    script: Mapped[str] = mapped_column(Text, default="")
    responsible_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    timing: Mapped[str] = mapped_column(String(100), default="")
    # What the timing's window counts from: "previous_step" (the last ticked earlier step)
    # or "case_start" (the run's case time); see services/practice/timing.py.
    timing_from: Mapped[str] = mapped_column(String(20), default="previous_step",
                                             server_default="previous_step")
    evidence_type: Mapped[str] = mapped_column(String(10), default="none")
    evidence_hint: Mapped[str] = mapped_column(String(300), default="")
    # A short name of the evidence ("团购名额总数") and, for a number, its unit ("元").
    evidence_label: Mapped[str] = mapped_column(String(60), default="", server_default="")
    evidence_unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    key_points: Mapped[list] = mapped_column(JSON, default=list)

    responsible_position: Mapped[Position | None] = relationship()


class Acknowledgement(db.Model):
    """A learner's 阅读并确认 of one SOP version. Append-only."""

    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("sop_modules.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sop_versions.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
