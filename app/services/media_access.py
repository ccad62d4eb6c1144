"""Who may read an uploaded file: whoever may read an item that uses it.

A file (`Media`) is used by a course (its cover), a lesson (its video, audio or PDF, or an
image written into its Markdown as ![…](/media/<id>)), a course's or SOP module's Markdown
texts (summary, purpose, step instructions and scripts). Published versions are read by the
learners the item is meant for or assigned to (the rules of content.audience and
assign.access); working copies by authors. So:

- administrators and the uploader: always;
- authors (trainers): a file used by any course or SOP module, draft or published;
- supervisors: a file used by a published version of any item (they assign items, and
  review practice runs of SOP modules that need not be meant for them);
- learners: a file used by a published version of an item they may open (any version:
  history pages and practice runs show the version they were made against);
- a file nothing uses (an image uploaded but never saved into a text): uploader and
  administrators only.

Evidence photos of practice runs are not `Media`: practice.photos serves them to the run's
employee and its reviewers. A constant number of statements, whatever the data size.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import false, literal, or_, select, true, union_all

from app.extensions import db
from app.models import (
    Course,
    CourseLesson,
    CourseVersion,
    CourseVersionLesson,
    Media,
    SopModule,
    SopStep,
    SopVersion,
    SopVersionStep,
    User,
)
from app.permissions import Permission, Role, has_permission
from app.services.assign.access import assigned_access
from app.services.content.audience import visible
from app.services.content.kinds import COURSE, SOP_MODULE

_FILE_COLUMNS = ("video_media_id", "audio_media_id", "pdf_media_id")
KINDS = {COURSE.key: COURSE, SOP_MODULE.key: SOP_MODULE}


def _mentions(media_id: int, *columns):
    """A Markdown text links or shows the file: ](/media/<id>) or src="/media/<id>" etc."""
    path = f"/media/{media_id}"
    return or_(*(column.like(f"%{path}{end}%") for column in columns
                 for end in (")", " ", '"', "'", "?", "#")))


def _lesson_uses(model, media_id: int):
    return or_(*(getattr(model, name) == media_id for name in _FILE_COLUMNS),
               _mentions(media_id, model.body))


def _uses(media_id: int):
    """(kind, item id, published) of every item that uses the file, as one UNION."""
    course, sop = literal(COURSE.key), literal(SOP_MODULE.key)
    return union_all(
        select(course, Course.id, true()).where(Course.cover_media_id == media_id),
        select(course, Course.id, false()).where(_mentions(media_id, Course.summary)),
        select(course, CourseLesson.course_id, false())
        .where(_lesson_uses(CourseLesson, media_id)),
        select(course, CourseVersion.course_id, true())
        .where(_mentions(media_id, CourseVersion.summary)),
        select(course, CourseVersion.course_id, true())
        .join(CourseVersionLesson, CourseVersionLesson.version_id == CourseVersion.id)
        .where(_lesson_uses(CourseVersionLesson, media_id)),
        select(sop, SopModule.id, false()).where(_mentions(media_id, SopModule.purpose)),
        select(sop, SopStep.module_id, false())
        .where(_mentions(media_id, SopStep.instructions, SopStep.script)),
        select(sop, SopVersion.module_id, true())
        .where(_mentions(media_id, SopVersion.purpose)),
        select(sop, SopVersion.module_id, true())
        .join(SopVersionStep, SopVersionStep.version_id == SopVersion.id)
        .where(_mentions(media_id, SopVersionStep.instructions, SopVersionStep.script)),
    )


def media_uses(media_id: int) -> tuple[bool, dict[str, set[int]]]:
    """(whether anything uses the file, kind → ids of the items whose published versions
    use it — the course cover counts as published: learners see it beside the course)."""
    rows = db.session.execute(_uses(media_id)).all()
    published: dict[str, set[int]] = defaultdict(set)
    for kind, item_id, is_published in rows:
        if is_published:
            published[kind].add(item_id)
    return bool(rows), published


def _live(kind, user: User, ids: set[int], extra: set[int] | tuple) -> bool:
    """Whether one of the items is live (published, not archived) and meant for the user
    (or among `extra`: assigned to them)."""
    query = visible(kind, user, extra).where(kind.model.id.in_(sorted(ids)))
    return db.session.execute(query.with_only_columns(kind.model.id).limit(1)).first() \
        is not None


def may_read_media(user: User | None, media: Media, now: datetime) -> bool:
    """Whether `user` may read the file (see the module's rules)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if Role.ADMIN.value in user.roles or media.uploaded_by_id == user.id:
        return True
    used, published = media_uses(media.id)
    if not used:
        return False
    if has_permission(user, Permission.AUTHOR_CONTENT):
        return True
    if published and has_permission(user, Permission.VIEW_TEAM):
        return True
    if not published or not has_permission(user, Permission.LEARN):
        return False
    if any(_live(KINDS[key], user, ids, ()) for key, ids in published.items()):
        return True
    assigned = assigned_access(user, now)  # what was assigned to them, whatever its audience
    for key, ids in published.items():
        theirs = ids & assigned.get(key, set())
        if theirs and _live(KINDS[key], user, theirs, theirs):
            return True
    return False
