"""What the curriculum files say, once read and checked: plain data for the sync."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class SopFile:
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
