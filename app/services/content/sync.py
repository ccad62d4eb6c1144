"""`flask content sync`: load courses/ and sop/ into the database, idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Course, CourseChapter, CourseLesson, Department, Position, SopModule, SopStep
from app.models.base import utcnow
from app.services.assign import reack
from app.services.content import publishing
from app.services.content.file_plans import CourseFile, SopFile, SyncError
from app.services.content.files import read_course, read_sop
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


def read_content(root: Path, courses_dir: Path, sop_dir: Path, errors: list[SyncError]):
    """Every course folder and SOP file, parsed and checked."""
    courses = [read_course(folder, root, errors)
               for folder in sorted(courses_dir.iterdir()) if folder.is_dir()] \
        if courses_dir.is_dir() else []
    modules = [read_sop(path, root, errors) for path in sorted(sop_dir.glob("*.toml"))] \
        if sop_dir.is_dir() else []
    return [c for c in courses if c], [m for m in modules if m]


def sync_content(root: Path, courses_dir: Path, sop_dir: Path, *, dry_run: bool,
                 actor=None, now: datetime | None = None) -> SyncReport:
    """Check everything first; with any error nothing is written. A changed file → a version;
    one requiring re-acknowledgement → an assignment to acknowledge it (see assign.reack)."""
    report = SyncReport(dry_run=dry_run)
    courses, modules = read_content(root, courses_dir, sop_dir, report.errors)
    quizzes = read_quiz_files(root, courses_dir, sop_dir, report.errors)
    check_quiz_files(quizzes, report.errors)
    departments = _check_departments(courses, modules, report)
    _check_slugs(Course, courses, report)
    _check_slugs(SopModule, modules, report)
    if report.errors:
        return report
    positions = _positions([n for c in courses for n in c.positions] +
                           [n for m in modules for n in m.positions] +
                           [m.owner_position for m in modules if m.owner_position] +
                           [s.position for m in modules for s in m.steps if s.position],
                           report)
    for course_file in courses:
        _sync_course(course_file, positions, departments, report, actor)
    for module_file in modules:
        _sync_sop(module_file, positions, departments, report, actor, now or utcnow())
    db.session.flush()
    sync_quizzes(quizzes, report.quizzes)
    return report


def _check_departments(courses, modules, report: SyncReport) -> dict[str, int]:
    by_name: dict[str, int] = {}
    for dept_id, path in department_paths().items():
        by_name.setdefault(path, dept_id)
        by_name.setdefault(path.split(" / ")[-1], dept_id)
    for item in [*courses, *modules]:
        for name in item.departments:
            key = " / ".join(p.strip() for p in name.split("/"))
            if key not in by_name:
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


def _course_snapshot(course_file: CourseFile) -> dict:
    lessons = [{"key": lesson.key, "chapter_title": title, "title": lesson.title,
                "body": lesson.body, "video_media_id": None, "audio_media_id": None,
                "pdf_media_id": None}
               for title, chapter in course_file.chapters for lesson in chapter]
    return {"title": course_file.title, "summary": course_file.summary, "lessons": lessons,
            "order": course_file.order, "positions": course_file.positions,
            "departments": course_file.departments}


def _sync_course(course_file: CourseFile, positions, departments, report, actor) -> None:
    digest = publishing.digest(_course_snapshot(course_file))
    course = db.session.scalar(select(Course).where(Course.slug == course_file.slug))
    if course is not None and course.source_hash == digest:
        report.courses.unchanged += 1
        return
    counts = report.courses
    if course is None:
        course = Course(slug=course_file.slug, source="file")
        db.session.add(course)
        counts.created += 1
    else:
        counts.updated += 1
    course.title, course.summary = course_file.title, course_file.summary
    course.sort_order, course.source_hash = course_file.order, digest
    course.positions = [positions[n] for n in course_file.positions]
    course.departments = [db.session.get(Department, departments[_dept_key(n)])
                          for n in course_file.departments]
    course.chapters = []
    db.session.flush()
    for c_index, (title, lessons) in enumerate(course_file.chapters):
        chapter = CourseChapter(title=title, rank=c_index, course_id=course.id)
        chapter.lessons = [CourseLesson(course_id=course.id, key=lesson.key, title=lesson.title,
                                        body=lesson.body, rank=l_index)
                           for l_index, lesson in enumerate(lessons)]
        course.chapters.append(chapter)
    db.session.flush()
    if publishing.course_has_unpublished_changes(course):
        publishing.publish_course(course, actor, course_file.change_note or
                                  str(_l("Synchronised from %(path)s", path=course_file.path)))
        report.versions_published += 1


def _dept_key(name: str) -> str:
    return " / ".join(p.strip() for p in name.split("/"))


def _sync_sop(module_file: SopFile, positions, departments, report, actor, now) -> None:
    snapshot = {**vars(module_file), "steps": [vars(s) for s in module_file.steps]}
    snapshot.pop("path")
    snapshot.pop("reack_days")  # only used when a version is published
    if snapshot["rubric"] is None:
        snapshot.pop("rubric")  # files without a rubric keep the digest they had before it
    digest = publishing.digest(snapshot)
    module = db.session.scalar(select(SopModule).where(SopModule.slug == module_file.slug))
    if module is not None and module.source_hash == digest:
        report.sop_modules.unchanged += 1
        return
    if module is None:
        module = SopModule(slug=module_file.slug, source="file")
        db.session.add(module)
        report.sop_modules.created += 1
    else:
        report.sop_modules.updated += 1
    owner = positions.get(module_file.owner_position) if module_file.owner_position else None
    module.title, module.purpose, module.sort_order = (module_file.title, module_file.purpose,
                                                       module_file.order)
    module.owner_position_id, module.source_hash = (owner.id if owner else None), digest
    module.rubric = module_file.rubric
    module.positions = [positions[n] for n in module_file.positions]
    module.departments = [db.session.get(Department, departments[_dept_key(n)])
                          for n in module_file.departments]
    module.steps = []
    db.session.flush()
    module.steps = [SopStep(
        module_id=module.id, key=s.key, rank=index, title=s.title,
        instructions=s.instructions, script=s.script, timing=s.timing,
        responsible_position_id=positions[s.position].id if s.position else None,
        evidence_type=s.evidence, evidence_hint=s.evidence_hint, key_points=s.key_points,
    ) for index, s in enumerate(module_file.steps)]
    db.session.flush()
    if publishing.sop_has_unpublished_changes(module):
        version = publishing.publish_sop(
            module, actor, module_file.change_note or
            str(_l("Synchronised from %(path)s", path=module_file.path)),
            requires_reack=module_file.requires_reack)
        reack.reacknowledge(module, version, module_file.reack_days, actor, now)
        report.versions_published += 1
