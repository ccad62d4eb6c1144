"""Find (and mask) clients' phone and ID-card numbers in text stored before the guard
(docs/privacy.md "Text stored before the guard"; `flask privacy scan`).

Walks every column of the registry (app/services/privacy_fields.py) in keyset-paginated
batches of the primary key, so a million-row table is never loaded at once. A finding never
holds the full number: its excerpt is the text around it with every number masked
(138****5678, 110101********123X). `mask` rewrites exactly the found numbers in place with
that mask — append-only history included, nothing else of the row (an `updated_at` that would
move on UPDATE is kept as it was). It adds and flushes; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.extensions import db
from app.services.privacy import ID_CARD, PHONE, mask_found
from app.services.privacy_fields import StoredText, stored_text

BATCH = 1000
AROUND = 20  # characters of context each side of a finding


@dataclass
class Finding:
    table: str
    row_id: int
    column: str
    path: str        # "$" for a plain column, "$.steps[2].note" inside JSON
    kind: str        # phone | id_card
    excerpt: str     # the text around it, every number masked
    label: str = ""  # "私域成果备注 #12 (员工 10003, 2026-W48)"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    scanned: dict[str, int] = field(default_factory=dict)
    masked: int = 0

    def as_dict(self) -> dict:
        return {"findings": [f.as_dict() for f in self.findings], "scanned": self.scanned,
                "masked": self.masked}


def kind_label(kind: str) -> str:
    return {PHONE: _("mobile number"), ID_CARD: _("ID-card number")}[kind]


def _excerpt(masked_text: str, start: int, end: int) -> str:
    before = masked_text[max(0, start - AROUND):start]
    after = masked_text[end:end + AROUND]
    text = ("…" if start > AROUND else "") + before + masked_text[start:end] + after + (
        "…" if end + AROUND < len(masked_text) else "")
    return " ".join(text.split())


def _leaves(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """(JSON path, string) of every string leaf of a nested dict/list value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")


def _masked_value(value: Any) -> Any:
    """`value` (a string or nested JSON) with every number masked, keys untouched."""
    if isinstance(value, str):
        return mask_found(value)[0]
    if isinstance(value, dict):
        return {key: _masked_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked_value(item) for item in value]
    return value


def _findings_in(entry: StoredText, row_id: int, column: str, value: Any) -> list[Finding]:
    found = []
    for path, text in _leaves(value):
        masked_text, masks = mask_found(text)
        found += [Finding(entry.table, row_id, column, path, kind,
                          _excerpt(masked_text, start, end))
                  for kind, start, end in masks]
    return found


def label_of(entry: StoredText, row_id: int) -> str:
    """What the row is, for people: "私域成果备注 #12 (员工 10003, 2026-W48)", any number in it
    masked (a login may be a mobile number)."""
    row = db.session.get(entry.model, row_id)
    detail = entry.detail(row) if entry.detail and row is not None else ""
    if detail:
        label = _("%(what)s #%(id)d (%(detail)s)", what=entry.what, id=row_id, detail=detail)
    else:
        label = _("%(what)s #%(id)d", what=entry.what, id=row_id)
    return mask_found(label)[0]


def _batches(entry: StoredText, batch: int) -> Iterator[list]:
    """The rows (id, *columns) of the table, `batch` at a time, by ascending id."""
    table = entry.model.__table__
    (key,) = table.primary_key.columns
    columns = [key, *(table.c[name] for name in entry.columns)]
    last = None
    while True:
        query = select(*columns).order_by(key).limit(batch)
        if last is not None:
            query = query.where(key > last)
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _keep_timestamps(table) -> dict:
    """`updated_at` (any column with an onupdate) set to itself, so masking does not move it."""
    return {column.name: column for column in table.columns if column.onupdate is not None}


def _mask_row(entry: StoredText, row_id: int, names: list[str]) -> None:
    """Mask the row's columns as they are now: read again under a row lock (PostgreSQL), so
    an edit saved since the batch was read is masked, not overwritten."""
    table = entry.model.__table__
    (key,) = table.primary_key.columns
    fresh = db.session.execute(select(*(table.c[name] for name in names))
                               .where(key == row_id).with_for_update()).one_or_none()
    if fresh is None:  # deleted meanwhile
        return
    new = {name: _masked_value(value) for name, value in zip(names, fresh, strict=True)}
    db.session.execute(update(table).where(key == row_id).values(**new, **_keep_timestamps(
        table)))


def scan_entry(entry: StoredText, report: Report, *, mask: bool, batch: int = BATCH) -> None:
    scanned = 0
    for rows in _batches(entry, batch):
        scanned += len(rows)
        for row in rows:
            row_id, values = row[0], dict(zip(entry.columns, row[1:], strict=True))
            found = [finding for name, value in values.items() if value is not None
                     for finding in _findings_in(entry, row_id, name, value)]
            if not found:
                continue
            label = label_of(entry, row_id)
            for finding in found:
                finding.label = label
            report.findings += found
            if mask:
                _mask_row(entry, row_id, sorted({f.column for f in found}))
                report.masked += len(found)
    report.scanned[entry.table] = scanned


def scan(table: str | None = None, *, mask: bool = False, batch: int = BATCH) -> Report:
    """Every finding of the registry (or of one table); with `mask`, each one masked in place
    (flushed, not committed)."""
    report = Report()
    for entry in stored_text(table):
        scan_entry(entry, report, mask=mask, batch=batch)
    if mask:
        db.session.expire_all()
    return report



@dataclass
class TableCount:
    """One line of the admin's 隐私检查 page: counts only, never the texts."""

    table: str
    what: str
    rows: int
    phones: int
    id_cards: int


def counts(report: Report) -> list[TableCount]:
    """Per table of the registry (in its order): rows scanned and numbers found by kind."""
    lines = []
    for entry in stored_text():
        if entry.table not in report.scanned:
            continue
        kinds = [f.kind for f in report.findings if f.table == entry.table]
        lines.append(TableCount(entry.table, str(entry.what), report.scanned[entry.table],
                                kinds.count(PHONE), kinds.count(ID_CARD)))
    return lines
