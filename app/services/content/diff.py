"""What changed between two versions of a course or SOP module, per lesson or step, by line.

Both sides are snapshots of one kind (kinds.VersionedKind.snapshot / version_snapshot); rows
(lessons, steps) are matched by their key. Pure: ids are named from the `names` given.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field

from app.services.content.kinds import VersionedKind

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
CONTEXT_LINES = 2


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


def _shower(kind: VersionedKind, names: dict[str, dict[int, str]]):
    """How a field's value reads in a diff: ids by name, the kind's formats, None as ""."""

    def show(name: str, value) -> str:
        if value is None:
            return ""
        if name in kind.formats:
            return kind.formats[name](value)
        if name in kind.names:
            return names.get(name, {}).get(value, f"#{value}")
        return str(value)

    return show


def diff_content(kind: VersionedKind, old: dict | None, new: dict,
                 names: dict[str, dict[int, str]] | None = None) -> ContentDiff:
    """Snapshot `new` against `old` (None: everything is new); `names`: id field → id → name."""
    old = old or {kind.rows: []}
    show = _shower(kind, names or {})
    return ContentDiff(_field_changes(old, new, kind.header_labels, show),
                       _items(old[kind.rows], new[kind.rows], kind.row_labels, show))
