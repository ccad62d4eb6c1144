"""The sections of one person's record, each one or two statements whatever their history:
courses, quiz attempts, SOP acknowledgements, checklist runs with their reviews, and the
progress of their onboarding paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.models import (
    Acknowledgement,
    Course,
    CourseVersion,
    CourseVersionLesson,
    LessonProgress,
    PracticeRun,
    QuizAttempt,
    SopModule,
    SopVersion,
    User,
)
from app.models.assignments import Assignment, LearningPath
from app.models.practice import RunReview
from app.services.assign.paths import path_states, personal_start
from app.services.content.audience import latest_course_numbers
from app.services.items.kinds import PATH
from app.services.practice.rubric import criterion_label
from app.services.quiz.grading import review_allowed


@dataclass
class CourseLine:
    course_id: int
    slug: str
    title: str
    lessons: int  # lessons of the latest published version
    done: int  # of those, completed by the person
    started_at: datetime | None
    completed_at: datetime | None  # when the last lesson was completed, once all are

    @property
    def percent(self) -> int:
        return round(100 * min(self.done, self.lessons) / self.lessons) if self.lessons else 0


def _latest_lessons():
    """(course_id, version_id, lessons) of every course's latest published version."""
    latest = latest_course_numbers()
    return (select(CourseVersion.course_id, CourseVersion.id.label("version_id"),
                   func.count(CourseVersionLesson.id).label("lessons"))
            .join(latest, and_(latest.c.course_id == CourseVersion.course_id,
                               latest.c.number == CourseVersion.number))
            .join(CourseVersionLesson, CourseVersionLesson.version_id == CourseVersion.id)
            .group_by(CourseVersion.course_id, CourseVersion.id).subquery("totals"))


@lru_cache(maxsize=1)
def _courses_statement():
    """`course_lines`' statement, built once per worker (the person and the courses they owe
    as bound parameters): building it cost more than running it."""
    totals = _latest_lessons()
    lesson = aliased(CourseVersionLesson)
    mine = (select(LessonProgress.course_id,
                   func.count(case((and_(LessonProgress.completed_at.is_not(None),
                                         lesson.id.is_not(None)), 1))).label("done"),
                   func.min(LessonProgress.opened_at).label("started_at"),
                   func.max(LessonProgress.completed_at).label("last_at"))
            .outerjoin(totals, totals.c.course_id == LessonProgress.course_id)
            .outerjoin(lesson, and_(lesson.version_id == totals.c.version_id,
                                    lesson.key == LessonProgress.lesson_key))
            .where(LessonProgress.user_id == bindparam("courses_user", type_=Integer))
            .group_by(LessonProgress.course_id).subquery("mine"))
    return (select(Course.id, Course.slug, Course.title, totals.c.lessons, mine.c.done,
                   mine.c.started_at, mine.c.last_at)
            .outerjoin(totals, totals.c.course_id == Course.id)
            .outerjoin(mine, mine.c.course_id == Course.id)
            .where(or_(mine.c.course_id.is_not(None),
                       Course.id.in_(bindparam("courses_owed", expanding=True))))
            .order_by(mine.c.last_at.desc().nulls_last(), Course.sort_order, Course.id))


def course_lines(user: User, assigned_ids: set[int]) -> list[CourseLine]:
    """Every course the person opened or owes, with lessons done of the latest version."""
    lines = []
    for cid, slug, title, lessons, done, started, last in db.session.execute(
            _courses_statement(), {"courses_user": user.id,
                                   "courses_owed": sorted(assigned_ids)}):
        lessons, done = int(lessons or 0), int(done or 0)
        finished = last if lessons and done >= lessons else None
        lines.append(CourseLine(cid, slug, title, lessons, done, started, finished))
    return lines


@dataclass
class AttemptLine:
    attempt: QuizAttempt
    title: str
    review: bool  # may the employee see the answers and explanations now


def attempt_lines(user: User, now: datetime) -> list[AttemptLine]:
    """Every quiz attempt of the person (not the wrong-question book's rounds), newest first."""
    attempts = db.session.scalars(
        select(QuizAttempt).options(joinedload(QuizAttempt.quiz))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id.is_not(None))
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc()))
    return [AttemptLine(a, a.quiz.title, review_allowed(a, now)) for a in attempts]


@dataclass
class AckLine:
    module_title: str
    module_slug: str
    version_number: int
    version_title: str
    acknowledged_at: datetime


def acknowledgement_lines(user: User) -> list[AckLine]:
    query = (select(SopModule.title, SopModule.slug, SopVersion.number, SopVersion.title,
                    Acknowledgement.acknowledged_at)
             .select_from(Acknowledgement)
             .join(SopVersion, SopVersion.id == Acknowledgement.version_id)
             .join(SopModule, SopModule.id == Acknowledgement.module_id)
             .where(Acknowledgement.user_id == user.id)
             .order_by(Acknowledgement.acknowledged_at.desc(), Acknowledgement.id.desc()))
    return [AckLine(*row) for row in db.session.execute(query)]


@dataclass
class RunLine:
    run: PracticeRun
    module_title: str
    review: RunReview | None  # the latest review (its scores, decision and feedback)

    @property
    def criteria(self) -> list[tuple[object, object]]:
        """(criterion label, score 1..5) of the latest review."""
        scores = (self.review.scores or {}) if self.review else {}
        return [(criterion_label(key), value) for key, value in scores.items()]

    @property
    def mean_score(self) -> float | None:
        scores = [v for v in ((self.review.scores or {}).values() if self.review else ())
                  if isinstance(v, int | float)]
        return sum(scores) / len(scores) if scores else None


def run_lines(user: User) -> list[RunLine]:
    """The person's checklist runs, newest first, each with its latest review (two
    statements)."""
    runs = db.session.execute(
        select(PracticeRun, SopModule.title).join(SopModule, SopModule.id == PracticeRun.module_id)
        .where(PracticeRun.user_id == user.id)
        .order_by(PracticeRun.created_at.desc(), PracticeRun.id.desc())).all()
    latest: dict[int, RunReview] = {}
    if runs:
        for review in db.session.scalars(
                select(RunReview).join(PracticeRun, PracticeRun.id == RunReview.run_id)
                .where(PracticeRun.user_id == user.id)
                .order_by(RunReview.run_id, RunReview.round, RunReview.id)):
            latest[review.run_id] = review
    return [RunLine(run, title, latest.get(run.id)) for run, title in runs]


@dataclass
class StageLine:
    title: str
    done: int
    total: int


@dataclass
class PathLine:
    title: str
    stages: list[StageLine]

    @property
    def done(self) -> int:
        return sum(stage.done for stage in self.stages)

    @property
    def total(self) -> int:
        return sum(stage.total for stage in self.stages)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def onboarding_lines(user: User, assignments: list[Assignment],
                     now: datetime) -> list[PathLine]:
    """Each onboarding path the person owes: items done / total, per stage."""
    owed = [a for a in assignments if a.kind == PATH.key and a.origin == "onboarding"]
    if not owed:
        return []
    paths = {p.id: p for p in db.session.scalars(
        select(LearningPath).where(LearningPath.id.in_({a.path_id for a in owed})))}
    pairs = [(paths[a.path_id], personal_start(a, user)) for a in owed if a.path_id in paths]
    states = path_states(user, pairs, now)
    return [PathLine(path.title, [StageLine(s.stage.title, s.done, len(s.items))
                                  for s in stages])
            for (path, _start), stages in zip(pairs, states, strict=True)]
