"""A learner's courses: progress on the latest version, the outline, finishing lessons (opening
one: lesson_page).

Progress rows are keyed by lesson key, so they survive new versions: a lesson removed in the
latest version no longer counts, a lesson added in it is not done yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from app.extensions import db
from app.models import Course, CourseVersion, CourseVersionLesson, LessonProgress, User
from app.models.assignments import Assignment, AssignmentTarget
from app.models.base import utcnow
from app.services.content.audience import visible_courses
from app.services.content.lesson_page import progress_row
from app.services.errors import DomainError

COMPLETION_SHARE = 0.9  # a video watched this far counts as watched
EVENTS = ("read_end", "media", "complete")


@dataclass
class CourseCard:
    """A course on 我的学习: its latest version and how much of it the user has done."""

    course: Course
    version: CourseVersion
    total: int
    done: int

    @property
    def percent(self) -> int:
        return math.floor(100 * self.done / self.total) if self.total else 0

    @property
    def completed(self) -> bool:
        return self.total > 0 and self.done >= self.total


def course_cards(user: User) -> list[CourseCard]:
    """Every course meant for the user with progress: three statements, however many courses."""
    rows = db.session.execute(visible_courses(user)).all()
    if not rows:
        return []
    version_ids = [version.id for _course, version in rows]
    totals = dict(db.session.execute(
        select(CourseVersionLesson.version_id, func.count())
        .where(CourseVersionLesson.version_id.in_(version_ids))
        .group_by(CourseVersionLesson.version_id)).all())
    done = dict(db.session.execute(
        select(CourseVersion.id, func.count())
        .select_from(LessonProgress)
        .join(CourseVersion, CourseVersion.course_id == LessonProgress.course_id)
        .join(CourseVersionLesson, and_(CourseVersionLesson.version_id == CourseVersion.id,
                                        CourseVersionLesson.key == LessonProgress.lesson_key))
        .where(LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None),
               CourseVersion.id.in_(version_ids))
        .group_by(CourseVersion.id)).all())
    return [CourseCard(course, version, totals.get(version.id, 0), done.get(version.id, 0))
            for course, version in rows]


@dataclass
class OutlineLesson:
    lesson: CourseVersionLesson
    done: bool
    opened: bool


@dataclass
class CourseOutline:
    """A course page: chapters of the latest version with done marks and where to go on."""

    course: Course
    version: CourseVersion
    chapters: list[tuple[str, list[OutlineLesson]]] = field(default_factory=list)
    resume: CourseVersionLesson | None = None
    started: bool = False

    @property
    def lessons(self) -> list[OutlineLesson]:
        return [item for _title, items in self.chapters for item in items]

    @property
    def card(self) -> CourseCard:
        items = self.lessons
        return CourseCard(self.course, self.version, len(items),
                          sum(1 for item in items if item.done))


def _progress_rows(user: User, course_id: int) -> dict[str, LessonProgress]:
    rows = db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.course_id == course_id))
    return {row.lesson_key: row for row in rows}


def course_outline(user: User, course: Course, version: CourseVersion) -> CourseOutline:
    """Chapters and lessons with done marks; resume at the last opened unfinished lesson."""
    progress = _progress_rows(user, course.id)
    outline = CourseOutline(course, version)
    for lesson in version.lessons:
        row = progress.get(lesson.key)
        item = OutlineLesson(lesson, bool(row and row.completed_at), row is not None)
        if outline.chapters and outline.chapters[-1][0] == lesson.chapter_title:
            outline.chapters[-1][1].append(item)
        else:
            outline.chapters.append((lesson.chapter_title, [item]))
    items = outline.lessons
    outline.started = any(item.opened for item in items)
    unfinished = [item for item in items if not item.done]
    opened = [item for item in unfinished if item.opened]
    if opened:
        outline.resume = max(opened, key=lambda item: progress[item.lesson.key].opened_at).lesson
    elif unfinished:
        outline.resume = unfinished[0].lesson
    return outline


def find_lesson(version: CourseVersion, lesson_key: str) -> CourseVersionLesson | None:
    return next((item for item in version.lessons if item.key == lesson_key), None)


def _seconds(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise DomainError(_l("The player sent an invalid time."), name)
    return number


def record_progress(user: User, course: Course, version: CourseVersion,
                    lesson: CourseVersionLesson, event: str, position=None,
                    duration=None) -> LessonProgress:
    """Apply what the lesson page reports; completing is idempotent.

    read_end: the end of the lesson was on screen (completes a lesson without a video; a
    video lesson is completed by watching). media: the player's position and duration
    (saved; completes once position >= 90 % of duration). complete: 标记为已学完.
    """
    if event not in EVENTS:
        raise DomainError(_l("Unknown progress report."), "event")
    if event == "media":
        position, duration = _seconds(position, "position"), _seconds(duration, "duration")
    row = progress_row(user, course, version, lesson)
    row.version_id = version.id
    if event == "media":
        row.media_position = min(position, duration) if duration else position
        has_media = lesson.video_media_id is not None or lesson.audio_media_id is not None
        if has_media and duration > 0 and position >= COMPLETION_SHARE * duration:
            _complete(row, user.id)
    elif event == "complete" or lesson.video_media_id is None:
        _complete(row, user.id)
    db.session.flush()
    return row


def _complete(row: LessonProgress, user_id: int) -> None:
    """Stamp the lesson done once — again when it was done before the person's latest
    re-certification of the course was given (their certificate lapsed: they redo it)."""
    if row.completed_at is None:
        row.completed_at = utcnow()
        return
    since = db.session.scalar(
        select(func.max(Assignment.starts_at))
        .join(AssignmentTarget, AssignmentTarget.assignment_id == Assignment.id)
        .where(Assignment.origin == "recert", Assignment.course_id == row.course_id,
               Assignment.cancelled_at.is_(None), AssignmentTarget.user_id == user_id))
    if since is not None and row.completed_at < since:
        row.completed_at = utcnow()
