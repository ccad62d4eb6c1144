"""Course analytics: who started, who completed, and where people drop off.

- the cohort: people with any lesson progress in the course, whose FIRST lesson opening falls
  in the date range (a funnel of the people who started then, followed to today), of the
  chosen department;
- completed: the cohort members who completed every lesson of the course's latest version
  (lessons are matched by key, which survives new versions);
- per lesson of the latest version, in order: reached (opened), completed, and drop-off after
  it: people who completed this lesson but not the next one (none after the last lesson).

Each function is one statement; `course_summaries` serves the analytics index (every course)
and the course page (one course) alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, select

from app.extensions import db
from app.models import Course, CourseVersion, CourseVersionLesson, LessonProgress
from app.services.analytics.filters import Filters

LP = LessonProgress


@dataclass(frozen=True)
class CourseSummary:
    course_id: int
    title: str
    lessons: int
    started: int
    completed: int

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.started if self.started else None


@dataclass(frozen=True)
class LessonFunnel:
    rank: int
    key: str
    title: str
    chapter: str
    reached: int
    completed: int
    dropped: int | None  # completed this lesson, not the next; None for the last lesson


def latest_versions():
    """Subquery (course_id, version_id) of each course's latest published version."""
    other = CourseVersion.__table__.alias("cv")
    newest = select(func.max(other.c.number)).where(other.c.course_id == CourseVersion.course_id)
    return (select(CourseVersion.course_id, CourseVersion.id.label("version_id"))
            .where(CourseVersion.number == newest.scalar_subquery()).subquery("latest"))


def cohort(filters: Filters, course_id: int | None = None):
    """Subquery (course_id, user_id) of the people who started each course in the range."""
    query = (select(LP.course_id, LP.user_id).where(*filters.people(LP.user_id))
             .group_by(LP.course_id, LP.user_id))
    if course_id is not None:
        query = query.where(LP.course_id == course_id)
    conditions = filters.in_range(func.min(LP.opened_at))
    if conditions:
        query = query.having(and_(*conditions))
    return query.subquery("cohort")


def course_summaries(filters: Filters, course_id: int | None = None) -> list[CourseSummary]:
    """Started and completed per course (active courses, or the one course asked for)."""
    latest, people = latest_versions(), cohort(filters, course_id)
    size = (select(latest.c.course_id, func.count(CourseVersionLesson.id).label("n"))
            .join(CourseVersionLesson, CourseVersionLesson.version_id == latest.c.version_id)
            .group_by(latest.c.course_id).subquery("size"))
    done = (select(LP.course_id, LP.user_id, func.count(LP.lesson_key.distinct()).label("k"))
            .join(latest, latest.c.course_id == LP.course_id)
            .join(CourseVersionLesson, and_(CourseVersionLesson.version_id == latest.c.version_id,
                                            CourseVersionLesson.key == LP.lesson_key))
            .where(LP.completed_at.is_not(None)).group_by(LP.course_id, LP.user_id)
            .subquery("done"))
    finished = case((and_(size.c.n > 0, done.c.k >= size.c.n), 1), else_=0)
    query = (select(Course.id, Course.title, func.coalesce(func.max(size.c.n), 0),
                    func.count(people.c.user_id), func.coalesce(func.sum(finished), 0))
             .outerjoin(people, people.c.course_id == Course.id)
             .outerjoin(size, size.c.course_id == Course.id)
             .outerjoin(done, and_(done.c.course_id == people.c.course_id,
                                   done.c.user_id == people.c.user_id))
             .group_by(Course.id, Course.title).order_by(Course.sort_order, Course.id))
    query = (query.where(Course.id == course_id) if course_id is not None
             else query.where(Course.archived.is_(False)))
    return [CourseSummary(*row[:2], *(int(value) for value in row[2:]))
            for row in db.session.execute(query)]


def _funnel_query(filters: Filters, course_id: int):
    latest = latest_versions()
    people = cohort(filters, course_id)
    lesson, following = CourseVersionLesson, CourseVersionLesson.__table__.alias("following")
    later = LP.__table__.alias("later")
    progress = (select(LP.lesson_key, LP.user_id, LP.completed_at)
                .join(people, people.c.user_id == LP.user_id)
                .where(LP.course_id == course_id).subquery("progress"))
    stopped = ~exists().where(later.c.course_id == course_id,
                              later.c.user_id == progress.c.user_id,
                              later.c.lesson_key == following.c.key,
                              later.c.completed_at.is_not(None))
    completed = progress.c.completed_at.is_not(None)
    query = (select(lesson.rank, lesson.key, lesson.title, lesson.chapter_title,
                    func.count(progress.c.user_id.distinct()),
                    func.count(case((completed, progress.c.user_id)).distinct()),
                    func.count(case((and_(completed, following.c.id.is_not(None), stopped),
                                     progress.c.user_id)).distinct()),
                    func.max(following.c.id))
             .join(latest, and_(latest.c.version_id == lesson.version_id,
                                latest.c.course_id == course_id))
             .outerjoin(following, and_(following.c.version_id == lesson.version_id,
                                        following.c.rank == lesson.rank + 1))
             .outerjoin(progress, progress.c.lesson_key == lesson.key)
             .group_by(lesson.rank, lesson.key, lesson.title, lesson.chapter_title)
             .order_by(lesson.rank))
    return query


def lesson_funnel(filters: Filters, course_id: int) -> list[LessonFunnel]:
    """The latest version's lessons in order with reached / completed / dropped (one
    statement)."""
    query = _funnel_query(filters, course_id)
    return [LessonFunnel(rank, key, title, chapter, int(reached), int(done),
                         int(dropped) if next_id is not None else None)
            for rank, key, title, chapter, reached, done, dropped, next_id
            in db.session.execute(query)]
