"""What the curriculum files say, once read and checked: plain data for the sync.

Each file plan has an explicit `snapshot()`: the fields that define its content for the sync
digest (docs/content-format.md, "What makes a new version"). A field added to a dataclass
here changes no digest until it is added to the snapshot as well — which makes every file of
that kind "updated" once, so do it on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The fields of a step file that define it, in its snapshot (every one, always).
STEP_SNAPSHOT = ("key", "title", "position", "timing", "evidence", "evidence_hint",
                 "instructions", "script", "key_points")
# Fields a step joins its snapshot with only when they differ from their default (files that
# do not use them keep the digest they had before the fields existed).
STEP_OPTIONAL = {"timing_from": "previous_step", "evidence_label": "", "evidence_unit": ""}
# The fields of an SOP module file that define it; `rubric` joins them only when the file has
# one (files without a rubric keep the digest they had before rubrics existed). Left out on
# purpose: `path` (moving a file is no change) and `reack_days` (used only when publishing).
SOP_MODULE_SNAPSHOT = ("slug", "title", "owner_position", "purpose", "positions",
                       "departments", "order", "change_note", "requires_reack")


@dataclass(frozen=True)
class SyncError:
    file: str
    line: int
    message: str


@dataclass
class LessonFile:
    key: str
    title: str
    body: str
    path: str


@dataclass
class CourseFile:
    slug: str
    path: str
    title: str
    summary: str
    order: int
    positions: list[str]
    departments: list[str]
    change_note: str
    chapters: list[tuple[str, list[LessonFile]]]

    validity_months: int | None = None  # certificates expire (none: never)
    recert_days: int | None = None

    requires_reack = False  # course versions are never re-acknowledged
    reack_days = 0

    def snapshot(self) -> dict:
        """What defines the course for the sync digest: its title, summary, lessons (as the
        working copy's snapshot has them, without media), order and audience."""
        lessons = [{"key": lesson.key, "chapter_title": title, "title": lesson.title,
                    "body": lesson.body, "video_media_id": None, "audio_media_id": None,
                    "pdf_media_id": None}
                   for title, chapter in self.chapters for lesson in chapter]
        return with_validity(self, {
            "title": self.title, "summary": self.summary, "lessons": lessons,
            "order": self.order, "positions": self.positions, "departments": self.departments})


@dataclass
class StepFile:
    key: str
    title: str
    position: str | None
    timing: str
    evidence: str
    evidence_hint: str
    instructions: str
    script: str
    key_points: list[dict]
    timing_from: str = "previous_step"
    evidence_label: str = ""
    evidence_unit: str = ""

    def snapshot(self) -> dict:
        return {**{name: getattr(self, name) for name in STEP_SNAPSHOT},
                **{name: getattr(self, name) for name, default in STEP_OPTIONAL.items()
                   if getattr(self, name) != default}}


@dataclass
class SopModuleFile:
    slug: str
    path: str
    title: str
    owner_position: str | None
    purpose: str
    positions: list[str]
    departments: list[str]
    order: int
    change_note: str
    requires_reack: bool
    steps: list[StepFile] = field(default_factory=list)
    reack_days: int = 7  # reacknowledge_within_days: when a re-acknowledgement is due
    rubric: list[str] | None = None  # review criteria; None: the default rubric
    validity_months: int | None = None  # acknowledgement certificates expire (none: never)
    recert_days: int | None = None

    def snapshot(self) -> dict:
        """What defines the SOP module for the sync digest (SOP_MODULE_SNAPSHOT, its steps'
        STEP_SNAPSHOT, and the rubric when there is one)."""
        snapshot = {name: getattr(self, name) for name in SOP_MODULE_SNAPSHOT}
        snapshot["steps"] = [step.snapshot() for step in self.steps]
        if self.rubric is not None:
            snapshot["rubric"] = self.rubric
        return with_validity(self, snapshot)


def with_validity(item_file, snapshot: dict) -> dict:
    """The validity joins a snapshot only when the file sets it (files without one keep the
    digest they had before validity existed; changing it makes the file "updated")."""
    if item_file.validity_months is not None or item_file.recert_days is not None:
        snapshot["validity"] = [item_file.validity_months, item_file.recert_days]
    return snapshot
