"""What changed between two versions of a course or SOP module, per lesson or step, by line.

Both sides are snapshots shaped like publishing.course_snapshot / sop_snapshot (a version is
turned into one with version_snapshot). Lessons and steps are matched by their key.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.models import CourseVersion, SopVersion
from app.services.content.publishing import LESSON_FIELDS, STEP_FIELDS
from app.services.content.sop_authoring import format_key_points

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
CONTEXT_LINES = 2

COURSE_LABELS = {"title": _l("Title"), "summary": _l("Summary")}
LESSON_LABELS = {
    "title": _l("Title"), "chapter_title": _l("Chapter"), "body": _l("Lesson text"),
    "video_media_id": _l("Video"), "audio_media_id": _l("Audio"), "pdf_media_id": _l("PDF"),
}
SOP_LABELS = {"title": _l("Title"), "owner_position_id": _l("Owner position"),
              "purpose": _l("Purpose")}
STEP_LABELS = {
    "title": _l("Title"), "responsible_position_id": _l("Responsible position"),
    "timing": _l("Timing"), "instructions": _l("Instructions"), "script": _l("Script"),
    "evidence_type": _l("Evidence"), "evidence_hint": _l("Evidence hint"),
    "key_points": _l("Key points"),
}


@dataclass(frozen=True)
class Line:
    kind: str  # added | removed | context | gap (lines left out between two hunks)
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: object
    lines: list[Line]


@dataclass(frozen=True)
class ItemChange:
    """One lesson or step: added, removed, changed or unchanged (and whether it moved)."""

    key: str
    status: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    moved: bool = False


@dataclass(frozen=True)
class ContentDiff:
    changes: list[FieldChange]  # of the course or module itself (title, summary, purpose …)
    items: list[ItemChange]

    @property
    def counts(self) -> Counter:
        return Counter(item.status for item in self.items)

    @property
    def is_empty(self) -> bool:
        return not self.changes and all(i.status == UNCHANGED and not i.moved
                                        for i in self.items)


def line_diff(old: str, new: str, context: int = CONTEXT_LINES) -> list[Line]:
    """The lines of `new` against `old`: added, removed, a little context, gaps between."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    lines: list[Line] = []
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number:
            lines.append(Line("gap", "⋯"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(Line("context", text) for text in a[i1:i2])
                continue
            lines.extend(Line("removed", text) for text in a[i1:i2])
            lines.extend(Line("added", text) for text in b[j1:j2])
    return lines


def _field_changes(old: dict, new: dict, labels: dict, show) -> list[FieldChange]:
    changes = []
    for name, label in labels.items():
        before, after = show(name, old.get(name)), show(name, new.get(name))
        if before != after:
            changes.append(FieldChange(name, label, line_diff(before, after)))
    return changes


def _items(old_items: list[dict], new_items: list[dict], labels: dict, show) -> list[ItemChange]:
    old_by_key = {item["key"]: item for item in old_items}
    new_keys = {item["key"] for item in new_items}
    common_old = [i["key"] for i in old_items if i["key"] in new_keys]
    common_new = [i["key"] for i in new_items if i["key"] in old_by_key]
    items = []
    for item in new_items:
        before = old_by_key.get(item["key"])
        if before is None:
            items.append(ItemChange(item["key"], ADDED, item["title"],
                                    _field_changes({}, item, labels, show)))
            continue
        changes = _field_changes(before, item, labels, show)
        moved = common_old.index(item["key"]) != common_new.index(item["key"])
        items.append(ItemChange(item["key"], CHANGED if changes else UNCHANGED, item["title"],
                                changes, moved))
    items.extend(ItemChange(item["key"], REMOVED, item["title"],
                            _field_changes(item, {}, labels, show))
                 for item in old_items if item["key"] not in new_keys)
    return items


def _shower(names: dict[str, dict[int, str]]):
    """How a field's value reads in a diff: ids by name, key points as lines, None as ""."""

    def show(name: str, value) -> str:
        if value is None:
            return ""
        if name == "key_points":
            return format_key_points(value)
        if name in names:
            return names[name].get(value, f"#{value}")
        return str(value)

    return show


def diff_courses(old: dict | None, new: dict, media: dict[int, str] | None = None
                 ) -> ContentDiff:
    """Course snapshot `new` against `old` (None: everything is new)."""
    old = old or {"lessons": []}
    show = _shower({f"{kind}_media_id": media or {} for kind in ("video", "audio", "pdf")})
    return ContentDiff(_field_changes(old, new, COURSE_LABELS, show),
                       _items(old["lessons"], new["lessons"], LESSON_LABELS, show))


def diff_sops(old: dict | None, new: dict, positions: dict[int, str] | None = None
              ) -> ContentDiff:
    """SOP snapshot `new` against `old` (None: everything is new)."""
    old = old or {"steps": []}
    show = _shower({"owner_position_id": positions or {},
                    "responsible_position_id": positions or {}})
    return ContentDiff(_field_changes(old, new, SOP_LABELS, show),
                       _items(old["steps"], new["steps"], STEP_LABELS, show))


def version_snapshot(version: CourseVersion | SopVersion) -> dict:
    """A published version in the shape of the working copy's snapshot."""
    if isinstance(version, CourseVersion):
        return {"title": version.title, "summary": version.summary,
                "lessons": [{f: getattr(lesson, f) for f in LESSON_FIELDS}
                            for lesson in version.lessons]}
    return {"title": version.title, "purpose": version.purpose,
            "owner_position_id": version.owner_position_id,
            "steps": [{f: getattr(step, f) for f in STEP_FIELDS} for step in version.steps]}
