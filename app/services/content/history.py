"""Versions seen from the trainer's desk: publishing with a change note, the version lists,
the status of every course and SOP module, and the two versions to compare."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Course,
    CourseChapter,
    CourseVersion,
    Media,
    Position,
    SopModule,
    SopVersion,
    User,
)
from app.models.base import utcnow
from app.services.assign import reack
from app.services.content import diff, publishing
from app.services.validation import clean_multiline

DRAFT, PUBLISHED, CHANGED = "draft", "published", "changed"


@dataclass(frozen=True)
class Status:
    """A course or SOP module with its latest version number and unpublished changes."""

    item: Course | SopModule
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


def _change_note(text: str | None) -> str:
    return clean_multiline(text, field="change_note", label=_l("Change note"),
                           max_length=2000, required=True)


def publish_course(course: Course, actor: User | None, change_note: str | None
                   ) -> CourseVersion:
    """Publish the course's working copy as a new version; a change note is required."""
    return publishing.publish_course(course, actor, _change_note(change_note))


def publish_sop(module: SopModule, actor: User | None, change_note: str | None,
                requires_reack: bool, *, reack_days: int | None = None,
                now: datetime | None = None) -> SopVersion:
    """Publish the module's working copy, optionally requiring everyone to re-acknowledge:
    then its audience owes the acknowledgement within `reack_days` days (default 7)."""
    days = reack.check_days(reack_days) if requires_reack else reack.DEFAULT_DAYS
    version = publishing.publish_sop(module, actor, _change_note(change_note), requires_reack)
    reack.reacknowledge(module, version, days, actor, now or utcnow())
    return version


def _latest(model, owner_column) -> dict[int, tuple[int, str]]:
    """owner id → (number, content hash) of its newest version, in one query."""
    newest = (select(owner_column.label("owner"), func.max(model.number).label("number"))
              .group_by(owner_column).subquery())
    rows = db.session.execute(select(owner_column, model.number, model.content_hash).join(
        newest, and_(owner_column == newest.c.owner, model.number == newest.c.number)))
    return {owner: (number, content_hash) for owner, number, content_hash in rows}


def _statuses(items, latest: dict, snapshot) -> list[Status]:
    statuses = []
    for item in items:
        number, content_hash = latest.get(item.id, (None, None))
        changed = number is None or content_hash != publishing.digest(snapshot(item))
        statuses.append(Status(item, number, changed))
    return statuses


def course_overview() -> list[Status]:
    """Every course (archived last) with its status, in a constant number of queries."""
    courses = db.session.scalars(
        select(Course).options(selectinload(Course.chapters).selectinload(CourseChapter.lessons))
        .order_by(Course.archived, Course.sort_order, Course.id))
    return _statuses(courses, _latest(CourseVersion, CourseVersion.course_id),
                     publishing.course_snapshot)


def sop_overview() -> list[Status]:
    """Every SOP module (archived last) with its status, in a constant number of queries."""
    modules = db.session.scalars(
        select(SopModule).options(selectinload(SopModule.steps))
        .order_by(SopModule.archived, SopModule.sort_order, SopModule.id))
    return _statuses(modules, _latest(SopVersion, SopVersion.module_id),
                     publishing.sop_snapshot)


def course_status(course: Course) -> Status:
    latest = publishing.latest_course_version(course.id)
    return Status(course, latest.number if latest else None,
                  publishing.course_has_unpublished_changes(course))


def sop_status(module: SopModule) -> Status:
    latest = publishing.latest_sop_version(module.id)
    return Status(module, latest.number if latest else None,
                  publishing.sop_has_unpublished_changes(module))


def _rows(model, owner_column, owner_id: int, reack) -> list[VersionRow]:
    query = (select(model, User.name).outerjoin(User, model.published_by_id == User.id)
             .where(owner_column == owner_id).order_by(model.number.desc()))
    return [VersionRow(v.number, v.published_at, name, v.change_note, reack(v))
            for v, name in db.session.execute(query)]


def course_versions(course: Course) -> list[VersionRow]:
    """The course's versions, newest first, with who published them."""
    return _rows(CourseVersion, CourseVersion.course_id, course.id, lambda v: False)


def sop_versions(module: SopModule) -> list[VersionRow]:
    """The module's versions, newest first, with who published them."""
    return _rows(SopVersion, SopVersion.module_id, module.id, lambda v: v.requires_reack)


@dataclass(frozen=True)
class Comparison:
    """Two versions picked for comparison, every version number, and what changed."""

    old: CourseVersion | SopVersion | None
    new: CourseVersion | SopVersion | None
    numbers: list[int]
    diff: diff.ContentDiff | None


def _pick(model, owner_column, owner_id: int, old: int | None, new: int | None):
    """The versions numbered `old` and `new`; by default the newest and the one before."""
    numbers = list(db.session.scalars(select(model.number).where(owner_column == owner_id)
                                      .order_by(model.number)))
    if new not in numbers:
        new = numbers[-1] if numbers else None
    if old not in numbers:
        earlier = [n for n in numbers if new is not None and n < new]
        old = earlier[-1] if earlier else None
    versions = {v.number: v for v in db.session.scalars(
        select(model).where(owner_column == owner_id, model.number.in_({old, new} - {None})))}
    return versions.get(old), versions.get(new), numbers


def compare_course(course: Course, old: int | None, new: int | None) -> Comparison:
    """Course version `old` against `new` (defaults: the newest against the one before)."""
    before, after, numbers = _pick(CourseVersion, CourseVersion.course_id, course.id, old, new)
    if after is None:
        return Comparison(before, after, numbers, None)
    return Comparison(before, after, numbers, _course_diff(
        diff.version_snapshot(before) if before else None, diff.version_snapshot(after)))


def compare_sop(module: SopModule, old: int | None, new: int | None) -> Comparison:
    """SOP version `old` against `new` (defaults: the newest against the one before)."""
    before, after, numbers = _pick(SopVersion, SopVersion.module_id, module.id, old, new)
    if after is None:
        return Comparison(before, after, numbers, None)
    return Comparison(before, after, numbers, diff.diff_sops(
        diff.version_snapshot(before) if before else None, diff.version_snapshot(after),
        _position_names()))


def course_pending_changes(course: Course) -> diff.ContentDiff:
    """The working copy against the newest version: what publishing now would change."""
    latest = publishing.latest_course_version(course.id)
    return _course_diff(diff.version_snapshot(latest) if latest else None,
                        publishing.course_snapshot(course))


def sop_pending_changes(module: SopModule) -> diff.ContentDiff:
    """The working copy against the newest version: what publishing now would change."""
    latest = publishing.latest_sop_version(module.id)
    return diff.diff_sops(diff.version_snapshot(latest) if latest else None,
                          publishing.sop_snapshot(module), _position_names())


def _course_diff(old: dict | None, new: dict) -> diff.ContentDiff:
    """diff_courses, with the attached files named by their original file names."""
    ids = {lesson[f"{kind}_media_id"] for snapshot in (old, new) if snapshot
           for lesson in snapshot["lessons"] for kind in ("video", "audio", "pdf")} - {None}
    names = dict(db.session.execute(select(Media.id, Media.original_name)
                                    .where(Media.id.in_(ids))).all()) if ids else {}
    return diff.diff_courses(old, new, names)


def _position_names() -> dict[int, str]:
    return dict(db.session.execute(select(Position.id, Position.name)).all())
