"""Versions seen from the trainer's desk, for every versioned kind: publishing with a change
note, the status of each course or SOP module, the version lists, and comparing two versions
(or the working copy against the newest one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.services.assign import reack
from app.services.content import diff, publishing
from app.services.content.kinds import NAME_TABLES, VersionedKind
from app.services.validation import clean_multiline

DRAFT, PUBLISHED, CHANGED = "draft", "published", "changed"


@dataclass(frozen=True)
class Status:
    """A course or SOP module with its latest version number and unpublished changes."""

    item: object
    latest: int | None
    changed: bool

    @property
    def state(self) -> str:
        if self.latest is None:
            return DRAFT
        return CHANGED if self.changed else PUBLISHED


@dataclass(frozen=True)
class VersionRow:
    number: int
    published_at: datetime
    publisher: str | None  # None: published by `content sync`
    change_note: str
    requires_reack: bool


@dataclass(frozen=True)
class Comparison:
    """Two versions picked for comparison, every version number, and what changed."""

    old: object | None
    new: object | None
    numbers: list[int]
    diff: diff.ContentDiff | None


def publish(kind: VersionedKind, item, actor: User | None, change_note: str | None,
            requires_reack: bool = False, *, reack_days: int | None = None,
            now: datetime | None = None):
    """Publish the working copy as a new version; a change note is required. A version that
    requires re-acknowledgement is owed by the item's audience within `reack_days` days
    (default 7)."""
    days = reack.check_days(reack_days) if requires_reack else reack.DEFAULT_DAYS
    note = clean_multiline(change_note, field="change_note", label=_l("Change note"),
                           max_length=2000, required=True)
    return publish_owed(kind, item, actor, note, requires_reack, days, now or utcnow())


def publish_owed(kind: VersionedKind, item, actor: User | None, change_note: str,
                 requires_reack: bool, reack_days: int, now: datetime):
    """publishing.publish, then the re-acknowledgement the new version may require."""
    version = publishing.publish(kind, item, actor, change_note, requires_reack)
    if kind.reacknowledged:
        reack.reacknowledge(item, version, reack_days, actor, now)
    return version


def _latest(kind: VersionedKind) -> dict[int, tuple[int, str]]:
    """item id → (number, content hash) of its newest version, in one query."""
    model, owner = kind.version_model, kind.owner_column
    newest = (select(owner.label("owner"), func.max(model.number).label("number"))
              .group_by(owner).subquery())
    rows = db.session.execute(select(owner, model.number, model.content_hash).join(
        newest, and_(owner == newest.c.owner, model.number == newest.c.number)))
    return {item_id: (number, content_hash) for item_id, number, content_hash in rows}


def overview(kind: VersionedKind) -> list[Status]:
    """Every item of the kind (archived last) with its status, in a constant number of
    queries."""
    model = kind.model
    items = db.session.scalars(select(model).options(kind.load_rows())
                               .order_by(model.archived, model.sort_order, model.id))
    latest = _latest(kind)
    statuses = []
    for item in items:
        number, content_hash = latest.get(item.id, (None, None))
        changed = number is None or content_hash != publishing.digest(kind.snapshot(item))
        statuses.append(Status(item, number, changed))
    return statuses


def status(kind: VersionedKind, item) -> Status:
    latest = publishing.latest_version(kind, item.id)
    return Status(item, latest.number if latest else None,
                  publishing.has_unpublished_changes(kind, item))


def versions(kind: VersionedKind, item) -> list[VersionRow]:
    """The item's versions, newest first, with who published them."""
    model = kind.version_model
    query = (select(model, User.name).outerjoin(User, model.published_by_id == User.id)
             .where(kind.owner_column == item.id).order_by(model.number.desc()))
    return [VersionRow(v.number, v.published_at, name, v.change_note,
                       bool(kind.reacknowledged and v.requires_reack))
            for v, name in db.session.execute(query)]


def _pick(kind: VersionedKind, item_id: int, old: int | None, new: int | None):
    """The versions numbered `old` and `new`; by default the newest and the one before."""
    model, owner = kind.version_model, kind.owner_column
    numbers = list(db.session.scalars(select(model.number).where(owner == item_id)
                                      .order_by(model.number)))
    if new not in numbers:
        new = numbers[-1] if numbers else None
    if old not in numbers:
        earlier = [n for n in numbers if new is not None and n < new]
        old = earlier[-1] if earlier else None
    picked = {v.number: v for v in db.session.scalars(
        select(model).where(owner == item_id, model.number.in_({old, new} - {None})))}
    return picked.get(old), picked.get(new), numbers


def compare(kind: VersionedKind, item, old: int | None, new: int | None) -> Comparison:
    """Version `old` against `new` (defaults: the newest against the one before)."""
    before, after, numbers = _pick(kind, item.id, old, new)
    if after is None:
        return Comparison(before, after, numbers, None)
    return Comparison(before, after, numbers, _diff(
        kind, kind.version_snapshot(before) if before else None, kind.version_snapshot(after)))


def pending_changes(kind: VersionedKind, item) -> diff.ContentDiff:
    """The working copy against the newest version: what publishing now would change."""
    latest = publishing.latest_version(kind, item.id)
    return _diff(kind, kind.version_snapshot(latest) if latest else None, kind.snapshot(item))


def _diff(kind: VersionedKind, old: dict | None, new: dict) -> diff.ContentDiff:
    """diff_content, with the ids the two sides mention named (files, positions …)."""
    return diff.diff_content(kind, old, new, _names(kind, [s for s in (old, new) if s]))


def _names(kind: VersionedKind, snapshots: list[dict]) -> dict[str, dict[int, str]]:
    """id field → {id: name} for every id the snapshots mention, one query per name table."""
    wanted: dict[str, set[int]] = {}
    for name, table in kind.names.items():
        values = {s.get(name) for s in snapshots} | {row.get(name) for s in snapshots
                                                     for row in s[kind.rows]}
        wanted.setdefault(table, set()).update(values - {None})
    found = {table: _named(table, ids) for table, ids in wanted.items()}
    return {name: found[table] for name, table in kind.names.items()}


def _named(table: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    id_column, name_column = NAME_TABLES[table]
    return dict(db.session.execute(select(id_column, name_column)
                                   .where(id_column.in_(ids))).all())
