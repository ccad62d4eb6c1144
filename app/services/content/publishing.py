"""Publishing freezes a working copy into an immutable, numbered version."""

from __future__ import annotations

import hashlib
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Course,
    CourseVersion,
    CourseVersionLesson,
    SopModule,
    SopVersion,
    SopVersionStep,
    User,
)
from app.services.errors import DomainError

LESSON_FIELDS = ("key", "chapter_title", "title", "body", "video_media_id", "audio_media_id",
                 "pdf_media_id")
STEP_FIELDS = ("key", "title", "instructions", "script", "responsible_position_id", "timing",
               "evidence_type", "evidence_hint", "key_points")


def digest(payload: dict) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def course_snapshot(course: Course) -> dict:
    """The publishable content of a course's working copy, lessons in reading order."""
    lessons = []
    for chapter in course.chapters:
        for lesson in chapter.lessons:
            lessons.append({
                "key": lesson.key, "chapter_title": chapter.title, "title": lesson.title,
                "body": lesson.body, "video_media_id": lesson.video_media_id,
                "audio_media_id": lesson.audio_media_id, "pdf_media_id": lesson.pdf_media_id,
            })
    return {"title": course.title, "summary": course.summary, "lessons": lessons}


def sop_snapshot(module: SopModule) -> dict:
    """The publishable content of an SOP module's working copy, steps in order."""
    steps = [{field: getattr(step, field) for field in STEP_FIELDS} for step in module.steps]
    return {"title": module.title, "purpose": module.purpose,
            "owner_position_id": module.owner_position_id, "steps": steps}


def latest_course_version(course_id: int) -> CourseVersion | None:
    return db.session.scalar(select(CourseVersion).where(CourseVersion.course_id == course_id)
                             .order_by(CourseVersion.number.desc()).limit(1))


def latest_sop_version(module_id: int) -> SopVersion | None:
    return db.session.scalar(select(SopVersion).where(SopVersion.module_id == module_id)
                             .order_by(SopVersion.number.desc()).limit(1))


def _next_number(model, owner_column, owner_id: int) -> int:
    current = db.session.scalar(select(func.max(model.number)).where(owner_column == owner_id))
    return (current or 0) + 1


def publish_course(course: Course, actor: User | None, change_note: str) -> CourseVersion:
    """Freeze the course as a new version; refuse when nothing changed or it has no lesson."""
    snapshot = course_snapshot(course)
    if not snapshot["lessons"]:
        raise DomainError(_l("Add at least one lesson before publishing."))
    content_hash = digest(snapshot)
    latest = latest_course_version(course.id)
    if latest is not None and latest.content_hash == content_hash:
        raise DomainError(_l("Nothing has changed since version %(number)d.",
                             number=latest.number))
    version = CourseVersion(
        course_id=course.id, number=_next_number(CourseVersion, CourseVersion.course_id,
                                                 course.id),
        title=course.title, summary=course.summary, change_note=(change_note or "").strip(),
        content_hash=content_hash, published_by_id=actor.id if actor else None,
    )
    version.lessons = [CourseVersionLesson(rank=index, **lesson)
                       for index, lesson in enumerate(snapshot["lessons"])]
    db.session.add(version)
    db.session.flush()
    return version


def publish_sop(module: SopModule, actor: User | None, change_note: str,
                requires_reack: bool = False) -> SopVersion:
    """Freeze the SOP module as a new version, optionally requiring re-acknowledgement."""
    snapshot = sop_snapshot(module)
    if not snapshot["steps"]:
        raise DomainError(_l("Add at least one step before publishing."))
    content_hash = digest(snapshot)
    latest = latest_sop_version(module.id)
    if latest is not None and latest.content_hash == content_hash:
        raise DomainError(_l("Nothing has changed since version %(number)d.",
                             number=latest.number))
    version = SopVersion(
        module_id=module.id, number=_next_number(SopVersion, SopVersion.module_id, module.id),
        title=module.title, purpose=module.purpose, owner_position_id=module.owner_position_id,
        change_note=(change_note or "").strip(), requires_reack=bool(requires_reack and latest),
        content_hash=content_hash, published_by_id=actor.id if actor else None,
    )
    version.steps = [SopVersionStep(rank=index, **step)
                     for index, step in enumerate(snapshot["steps"])]
    db.session.add(version)
    db.session.flush()
    return version


def course_has_unpublished_changes(course: Course) -> bool:
    latest = latest_course_version(course.id)
    return latest is None or latest.content_hash != digest(course_snapshot(course))


def sop_has_unpublished_changes(module: SopModule) -> bool:
    latest = latest_sop_version(module.id)
    return latest is None or latest.content_hash != digest(sop_snapshot(module))
