"""`flask content sync`: load courses/ and sop/ into the database, idempotently.

One sync for every kind loaded from files: a `FileKind` names the versioned kind, how its
files are read and how a checked file becomes the working copy; the rest (identity by slug,
the digest of the file's explicit snapshot, counting, publishing a version) is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import CourseChapter, CourseLesson, Department, Position, SopStep
from app.models.base import utcnow
from app.services.certificate_validity import apply_validity
from app.services.content import history, publishing
from app.services.content.file_plans import CourseFile, SopModuleFile, SyncError
from app.services.content.files import read_course, read_sop_module
from app.services.content.kinds import COURSE, SOP_MODULE, VersionedKind
from app.services.org import department_paths
from app.services.quiz.quiz_files import read_quiz_files
from app.services.quiz.quiz_sync import check_quiz_files, sync_quizzes


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class SyncReport:
    dry_run: bool
    courses: Counts = field(default_factory=Counts)
    sop_modules: Counts = field(default_factory=Counts)
    quizzes: Counts = field(default_factory=Counts)
    versions_published: int = 0
    positions_created: list[str] = field(default_factory=list)
    errors: list[SyncError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "courses": vars(self.courses),
            "sop_modules": vars(self.sop_modules), "quizzes": vars(self.quizzes),
            "versions_published": self.versions_published,
            "positions_created": self.positions_created,
            "errors": [{"file": e.file, "line": e.line, "message": e.message}
                       for e in self.errors],
        }


@dataclass(frozen=True)
class SyncContext:
    """What applying a file needs besides the file: named positions and departments."""

    positions: dict[str, Position]
    departments: dict[str, int]
    actor: object
    now: datetime


@dataclass(frozen=True, eq=False)
class FileKind:
    """A versioned kind as it comes from files."""

    kind: VersionedKind
    counts: str  # its counts in the SyncReport
    read: Callable[[Path, Path, list[SyncError]], list]  # (folder, root, errors) → files
    apply: Callable  # (item, file, SyncContext): the file's content into the working copy
    position_names: Callable[[list], list[str]]  # positions its files name besides audience


def _read_courses(folder: Path, root: Path, errors: list[SyncError]) -> list[CourseFile]:
    return [read_course(course_dir, root, errors)
            for course_dir in sorted(folder.iterdir()) if course_dir.is_dir()]


def _read_sop_modules(folder: Path, root: Path, errors: list[SyncError]
                      ) -> list[SopModuleFile]:
    return [read_sop_module(path, root, errors) for path in sorted(folder.glob("*.toml"))]


def _apply_course(course, course_file: CourseFile, context: SyncContext) -> None:
    course.title, course.summary = course_file.title, course_file.summary
    course.chapters = []
    db.session.flush()
    for c_index, (title, lessons) in enumerate(course_file.chapters):
        chapter = CourseChapter(title=title, rank=c_index, course_id=course.id)
        chapter.lessons = [CourseLesson(course_id=course.id, key=lesson.key, title=lesson.title,
                                        body=lesson.body, rank=l_index)
                           for l_index, lesson in enumerate(lessons)]
        course.chapters.append(chapter)


def _apply_sop_module(sop_module, sop_module_file: SopModuleFile,
                      context: SyncContext) -> None:
    positions, owner = context.positions, sop_module_file.owner_position
    sop_module.title, sop_module.purpose = sop_module_file.title, sop_module_file.purpose
    sop_module.owner_position_id = positions[owner].id if owner else None
    sop_module.rubric = sop_module_file.rubric
    sop_module.steps = []
    db.session.flush()
    sop_module.steps = [SopStep(
        module_id=sop_module.id, key=s.key, rank=index, title=s.title,
        instructions=s.instructions, script=s.script, timing=s.timing, timing_from=s.timing_from,
        responsible_position_id=positions[s.position].id if s.position else None,
        evidence_type=s.evidence, evidence_hint=s.evidence_hint, evidence_label=s.evidence_label,
        evidence_unit=s.evidence_unit, key_points=s.key_points,
    ) for index, s in enumerate(sop_module_file.steps)]


def _sop_module_positions(files: list[SopModuleFile]) -> list[str]:
    return [f.owner_position for f in files if f.owner_position] + \
        [s.position for f in files for s in f.steps if s.position]


COURSE_FILES = FileKind(COURSE, "courses", _read_courses, _apply_course, lambda _f: [])
SOP_MODULE_FILES = FileKind(SOP_MODULE, "sop_modules", _read_sop_modules, _apply_sop_module,
                            _sop_module_positions)


def read_content(root: Path, folders: dict[FileKind, Path], errors: list[SyncError]
                 ) -> dict[FileKind, list]:
    """Every file of every kind, parsed and checked (a missing folder has none)."""
    return {file_kind: [f for f in file_kind.read(folder, root, errors) if f]
            if folder.is_dir() else [] for file_kind, folder in folders.items()}


def sync_content(root: Path, courses_dir: Path, sop_dir: Path, *, dry_run: bool,
                 actor=None, now: datetime | None = None) -> SyncReport:
    """Check everything first; with any error nothing is written. A changed file → a version;
    one requiring re-acknowledgement → an assignment to acknowledge it (see assign.reack)."""
    report = SyncReport(dry_run=dry_run)
    files = read_content(root, {COURSE_FILES: courses_dir, SOP_MODULE_FILES: sop_dir},
                         report.errors)
    quizzes = read_quiz_files(root, courses_dir, sop_dir, report.errors)
    check_quiz_files(quizzes, report.errors)
    everything = [f for kind_files in files.values() for f in kind_files]
    departments = _check_departments(everything, report)
    for file_kind, kind_files in files.items():
        _check_slugs(file_kind.kind.model, kind_files, report)
    if report.errors:
        return report
    positions = _positions([n for f in everything for n in f.positions] +
                           [n for file_kind, kind_files in files.items()
                            for n in file_kind.position_names(kind_files)], report)
    context = SyncContext(positions, departments, actor, now or utcnow())
    for file_kind, kind_files in files.items():
        for item_file in kind_files:
            _sync_item(file_kind, item_file, context, report)
    db.session.flush()
    sync_quizzes(quizzes, report.quizzes)
    return report


def _check_departments(items, report: SyncReport) -> dict[str, int]:
    by_name: dict[str, int] = {}
    for dept_id, path in department_paths().items():
        by_name.setdefault(path, dept_id)
        by_name.setdefault(path.split(" / ")[-1], dept_id)
    for item in items:
        for name in item.departments:
            if _dept_key(name) not in by_name:
                report.errors.append(SyncError(item.path, 0, str(
                    _l("department '%(name)s' does not exist", name=name))))
    return by_name


def _check_slugs(model, items, report: SyncReport) -> None:
    taken = set(db.session.scalars(select(model.slug).where(model.source == "web")))
    for item in items:
        if item.slug in taken:
            report.errors.append(SyncError(item.path, 0, str(_l(
                "slug '%(slug)s' is already used by content created in the web editor",
                slug=item.slug))))


def _positions(names: list[str], report: SyncReport) -> dict[str, Position]:
    existing = {p.name: p for p in db.session.scalars(select(Position))}
    for name in dict.fromkeys(names):
        if name not in existing:
            existing[name] = Position(name=name, sort_order=len(existing))
            db.session.add(existing[name])
            report.positions_created.append(name)
    db.session.flush()
    return existing


def _dept_key(name: str) -> str:
    return " / ".join(p.strip() for p in name.split("/"))


def _sync_item(file_kind: FileKind, item_file, context: SyncContext, report: SyncReport
               ) -> None:
    """Load one checked file into its working copy and publish it when it changed."""
    kind, counts = file_kind.kind, getattr(report, file_kind.counts)
    digest = publishing.digest(item_file.snapshot())
    item = db.session.scalar(select(kind.model).where(kind.model.slug == item_file.slug))
    if item is not None and item.source_hash == digest:
        counts.unchanged += 1
        return
    if item is None:
        item = kind.model(slug=item_file.slug, source="file")
        db.session.add(item)
        counts.created += 1
    else:
        counts.updated += 1
    item.sort_order, item.source_hash = item_file.order, digest
    apply_validity(item, item_file.validity_months, item_file.recert_days)
    item.positions = [context.positions[n] for n in item_file.positions]
    item.departments = [db.session.get(Department, context.departments[_dept_key(n)])
                        for n in item_file.departments]
    file_kind.apply(item, item_file, context)
    db.session.flush()
    if publishing.has_unpublished_changes(kind, item):
        note = item_file.change_note or str(_l("Synchronised from %(path)s",
                                               path=item_file.path))
        history.publish_owed(kind, item, context.actor, note, item_file.requires_reack,
                             item_file.reack_days, context.now)
        report.versions_published += 1
