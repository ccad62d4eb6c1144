"""The versioned kinds of content: a course and an SOP module.

Each kind is one adapter (a `VersionedKind`) that the one versioning core is written against:
working copy → snapshot → immutable version with its rows (publishing), status, version lists
and comparisons (history), what changed (diff), and loading files (sync). The kind says which
tables hold it, which fields a version freezes and how they read in a diff; the core says
everything else once. A new versioned kind adds one `VersionedKind` here (and, when it comes
from files, one `FileKind` in sync) — see docs/architecture.md ("The versioned-content core").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.models import (
    Course,
    CourseChapter,
    CourseVersion,
    CourseVersionLesson,
    Media,
    Position,
    SopModule,
    SopVersion,
    SopVersionStep,
)
from app.models.content import (
    course_departments,
    course_positions,
    sop_module_departments,
    sop_module_positions,
)
from app.services.content.key_points import format_key_points
from app.services.practice.timing import TIMING_FROM_LABELS

LESSON_FIELDS = ("key", "chapter_title", "title", "body", "video_media_id", "audio_media_id",
                 "pdf_media_id")
STEP_FIELDS = ("key", "title", "instructions", "script", "responsible_position_id", "timing",
               "evidence_type", "evidence_hint", "key_points")
# Step fields frozen into a version only when they differ from their default, so that SOP
# modules that do not use them keep the digest they had before the fields existed.
STEP_OPTIONAL = {"timing_from": "previous_step", "evidence_label": "", "evidence_unit": ""}
# The tables whose ids a diff shows by name: table → (id column, name column).
NAME_TABLES = {"media": (Media.id, Media.original_name), "positions": (Position.id, Position.name)}


@dataclass(frozen=True, eq=False)  # one object per kind: compared and hashed by identity
class VersionedKind:
    """What the versioning core needs to know about one kind of versioned content."""

    key: str  # "course" | "sop": the kind as stored in rows and URLs (a contract)
    model: type  # the working copy trainers edit
    version_model: type  # its immutable, numbered versions
    row_model: type  # one row of a version (a lesson, a step)
    owner_field: str  # the version's column naming its working copy
    rows: str  # the name of the rows in a snapshot and on a version
    header_fields: tuple[str, ...]  # copied from the working copy onto the version
    row_fields: tuple[str, ...]  # copied from each working row onto a version row
    working_rows: Callable[[Any], list[dict]]  # the working copy's rows, in order
    load_rows: Callable[[], Any]  # loader option: the working rows of many items at once
    empty_message: Any  # why a working copy without rows cannot be published
    header_labels: dict  # field → label, in the order a diff shows them
    row_labels: dict
    names: dict = field(default_factory=dict)  # id field → its NAME_TABLES entry, for diffs
    formats: dict = field(default_factory=dict)  # field → how its value reads in a diff
    audience: tuple = ()  # (positions table, departments table, their column naming the item)
    optional_row_fields: dict = field(default_factory=dict)  # field → default (left out)
    reacknowledged: bool = False  # versions may require re-acknowledgement

    @property
    def owner_column(self):
        return getattr(self.version_model, self.owner_field)

    def snapshot(self, item) -> dict:
        """The publishable content of a working copy: what a version freezes and hashes."""
        return {**{name: getattr(item, name) for name in self.header_fields},
                self.rows: self.working_rows(item)}

    def version_snapshot(self, version) -> dict:
        """A published version in the shape of the working copy's snapshot."""
        return {**{name: getattr(version, name) for name in self.header_fields},
                self.rows: [row_snapshot(row, self.row_fields, self.optional_row_fields)
                            for row in getattr(version, self.rows)]}


def row_snapshot(row, fields: tuple[str, ...], optional: dict) -> dict:
    """A row's fields, and its optional fields that differ from their default."""
    return {**{name: getattr(row, name) for name in fields},
            **{name: getattr(row, name) for name, default in optional.items()
               if getattr(row, name) != default}}


def _course_lessons(course: Course) -> list[dict]:
    """The lessons in reading order, each with the title of its chapter."""
    return [{"key": lesson.key, "chapter_title": chapter.title, "title": lesson.title,
             "body": lesson.body, "video_media_id": lesson.video_media_id,
             "audio_media_id": lesson.audio_media_id, "pdf_media_id": lesson.pdf_media_id}
            for chapter in course.chapters for lesson in chapter.lessons]


def _sop_module_steps(sop_module: SopModule) -> list[dict]:
    return [row_snapshot(step, STEP_FIELDS, STEP_OPTIONAL) for step in sop_module.steps]


COURSE = VersionedKind(
    key="course", model=Course, version_model=CourseVersion, row_model=CourseVersionLesson,
    owner_field="course_id", rows="lessons", header_fields=("title", "summary"),
    row_fields=LESSON_FIELDS, working_rows=_course_lessons,
    load_rows=lambda: selectinload(Course.chapters).selectinload(CourseChapter.lessons),
    empty_message=_l("Add at least one lesson before publishing."),
    header_labels={"title": _l("Title"), "summary": _l("Summary")},
    row_labels={
        "title": _l("Title"), "chapter_title": _l("Chapter"), "body": _l("Lesson text"),
        "video_media_id": _l("Video"), "audio_media_id": _l("Audio"), "pdf_media_id": _l("PDF"),
    },
    names={f"{media}_media_id": "media" for media in ("video", "audio", "pdf")},
    audience=(course_positions, course_departments, "course_id"),
)

SOP_MODULE = VersionedKind(
    key="sop", model=SopModule, version_model=SopVersion, row_model=SopVersionStep,
    owner_field="module_id", rows="steps",
    header_fields=("title", "purpose", "owner_position_id"), row_fields=STEP_FIELDS,
    working_rows=_sop_module_steps, load_rows=lambda: selectinload(SopModule.steps),
    empty_message=_l("Add at least one step before publishing."),
    header_labels={"title": _l("Title"), "owner_position_id": _l("Owner position"),
                   "purpose": _l("Purpose")},
    row_labels={
        "title": _l("Title"), "responsible_position_id": _l("Responsible position"),
        "timing": _l("Timing"), "instructions": _l("Instructions"), "script": _l("Script"),
        "evidence_type": _l("Evidence"), "evidence_hint": _l("Evidence hint"),
        "key_points": _l("Key points"), "timing_from": _l("Timing counts from"),
        "evidence_label": _l("Evidence label"), "evidence_unit": _l("Unit"),
    },
    names={"owner_position_id": "positions", "responsible_position_id": "positions"},
    formats={"key_points": format_key_points,
             "timing_from": lambda value: str(TIMING_FROM_LABELS.get(value, value))},
    optional_row_fields=STEP_OPTIONAL,
    audience=(sop_module_positions, sop_module_departments, "sop_module_id"), reacknowledged=True,
)

KINDS = {kind.key: kind for kind in (COURSE, SOP_MODULE)}
