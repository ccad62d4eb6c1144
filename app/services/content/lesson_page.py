"""A learner opening a lesson: the course (found as the catalogue finds it: meant for the
learner, latest version), the lesson, its neighbours and their progress in one statement, and a
write only when opening it changes something the learner would notice.

What a learner notices of "opened": a course they opened shows as started, and the course
page resumes at the unfinished lesson they opened last. So opening a lesson writes when it is
the first open (a new progress row), when the row was last touched in another version, or when
the course page would resume elsewhere (another unfinished lesson was opened after this one).
Rereading the lesson they are on, or a finished one, writes nothing: the view then commits
nothing and, on SQLite, never takes the write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, select

from app.extensions import db
from app.models import Course, CourseVersion, CourseVersionLesson, LessonProgress, Media, User
from app.models.base import utcnow
from app.services.content.audience import find_statement
from app.services.content.kinds import COURSE
from app.services.records import insert_statement


@dataclass
class LessonPage:
    """One lesson of the latest version, its neighbours, its media and the user's progress;
    `changed` when opening it wrote something the caller must commit."""

    course: Course
    version: CourseVersion
    lesson: CourseVersionLesson
    index: int
    total: int
    previous: CourseVersionLesson | None
    next: CourseVersionLesson | None
    progress: LessonProgress
    media: dict[int, Media]
    changed: bool = False


def _lessons_with_progress(user: User, course: Course, version: CourseVersion
                           ) -> list[tuple[CourseVersionLesson, LessonProgress | None]]:
    """The version's lessons in order, each beside the user's progress row (one statement)."""
    return [tuple(row) for row in db.session.execute(_lessons_statement(), {
        "lesson_user": user.id, "lesson_course": course.id, "lesson_version": version.id})]


@lru_cache(maxsize=1)
def _lessons_statement() -> Select:
    """`_lessons_with_progress`'s statement, built once per worker with bound parameters
    (building it took longer than running it)."""
    return (select(CourseVersionLesson, LessonProgress)
            .outerjoin(LessonProgress,
                       and_(LessonProgress.user_id == bindparam("lesson_user"),
                            LessonProgress.course_id == bindparam("lesson_course"),
                            LessonProgress.lesson_key == CourseVersionLesson.key))
            .where(CourseVersionLesson.version_id == bindparam("lesson_version"))
            .order_by(CourseVersionLesson.rank))


def open_meant_for(user: User, slug: str, lesson_key: str) -> LessonPage | bool:
    """The lesson page of the course with this slug when it is meant for the user (the
    audience test of `audience.find`, in the same statement as the lessons and the user's
    progress: one statement when nothing changes); False when the course is not meant for
    them (the caller then looks among what they were assigned), True when it is but has no
    lesson with this key (404)."""
    params = {"audience_slug": slug, "audience_position": user.position_id,
              "audience_department": user.department_id, "lesson_user": user.id}
    rows = db.session.execute(_meant_for_statement(user.position_id is not None,
                                                   user.department_id is not None),
                              params).all()
    if not rows:
        return False
    course, version = rows[0][0], rows[0][1]
    pairs = [(lesson, row) for _course, _version, lesson, row in rows if lesson is not None]
    return _opened(user, course, version, lesson_key, pairs) or True


_MEANT_FOR: dict[tuple[bool, bool], Select] = {}


def _meant_for_statement(position: bool, department: bool) -> Select:
    """`audience.find`'s statement with the version's lessons and the user's progress rows
    joined (one row per lesson, in order), built once per worker and shape of person."""
    key = (position, department)
    statement = _MEANT_FOR.get(key)
    if statement is None:
        statement = _MEANT_FOR[key] = (
            find_statement(COURSE, position, department, False)
            .add_columns(CourseVersionLesson, LessonProgress)
            .outerjoin(CourseVersionLesson, CourseVersionLesson.version_id == CourseVersion.id)
            .outerjoin(LessonProgress,
                       and_(LessonProgress.user_id == bindparam("lesson_user"),
                            LessonProgress.course_id == Course.id,
                            LessonProgress.lesson_key == CourseVersionLesson.key))
            .order_by(CourseVersionLesson.rank))
    return statement


def lesson_page(user: User, course: Course, version: CourseVersion,
                lesson_key: str) -> LessonPage | None:
    """The lesson with this key in the latest version, opened by the user; None if absent.
    One statement when nothing changes (two with a PDF's name)."""
    return _opened(user, course, version, lesson_key,
                   _lessons_with_progress(user, course, version))


def _opened(user: User, course: Course, version: CourseVersion, lesson_key: str,
            rows: list[tuple[CourseVersionLesson, LessonProgress | None]]) -> LessonPage | None:
    index = next((i for i, (item, _row) in enumerate(rows) if item.key == lesson_key), None)
    if index is None:
        return None
    lesson, row = rows[index]
    progress, changed = _open(user, course, version, lesson, row,
                              [other for _item, other in rows if other is not None])
    lessons = [item for item, _row in rows]
    return LessonPage(
        course=course, version=version, lesson=lesson, index=index, total=len(lessons),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        progress=progress, media=_pdf(lesson), changed=changed,
    )


def _pdf(lesson: CourseVersionLesson) -> dict[int, Media]:
    """The lesson's PDF (the page shows its file name); the players need no row."""
    if lesson.pdf_media_id is None:
        return {}
    media = db.session.get(Media, lesson.pdf_media_id)
    return {media.id: media} if media is not None else {}


def _open(user: User, course: Course, version: CourseVersion, lesson: CourseVersionLesson,
          row: LessonProgress | None, course_rows: list[LessonProgress]
          ) -> tuple[LessonProgress, bool]:
    """The user's progress row of this lesson after opening it, and whether that wrote."""
    if row is None:
        return _created(user, course, version, lesson), True
    if row.version_id != version.id or _resume_moves(row, course_rows):
        row.opened_at, row.version_id = utcnow(), version.id
        db.session.flush()
        return row, True
    return row, False


def _resume_moves(row: LessonProgress, course_rows: list[LessonProgress]) -> bool:
    """Opening this unfinished lesson again moves the course page's 继续学习 to it: another
    unfinished lesson was opened since (or at the same instant)."""
    return row.completed_at is None and any(
        other is not row and other.completed_at is None and other.opened_at >= row.opened_at
        for other in course_rows)


def progress_row(user: User, course: Course, version: CourseVersion,
                 lesson: CourseVersionLesson) -> LessonProgress:
    """The user's progress row for this lesson, created when missing (safe in a race)."""
    row = db.session.scalar(_mine(user, course, lesson))
    return row if row is not None else _created(user, course, version, lesson)


def _mine(user: User, course: Course, lesson: CourseVersionLesson):
    return select(LessonProgress).where(LessonProgress.user_id == user.id,
                                        LessonProgress.course_id == course.id,
                                        LessonProgress.lesson_key == lesson.key)


def _created(user: User, course: Course, version: CourseVersion,
             lesson: CourseVersionLesson) -> LessonProgress:
    """A new progress row, opened now, in one statement (INSERT … ON CONFLICT DO NOTHING
    RETURNING); a racing request's row when that one was first."""
    row = db.session.scalars(
        insert_statement(LessonProgress).values(
            user_id=user.id, course_id=course.id, lesson_key=lesson.key, version_id=version.id,
            opened_at=utcnow(), media_position=0.0)
        .on_conflict_do_nothing(index_elements=["user_id", "course_id", "lesson_key"])
        .returning(LessonProgress)).first()
    return row if row is not None else db.session.scalar(_mine(user, course, lesson))
