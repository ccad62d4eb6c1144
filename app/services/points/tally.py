"""What earns points, counted in SQL from the records (nothing is stored):

- lesson_completed: every LessonProgress row with `completed_at`, dated by it;
- quiz_passed: every (person, quiz) with at least one finished exam attempt that passed,
  counted once, dated by the first pass. Practice-mode and wrong-question-book attempts do
  not count (they can be repeated freely with the answers shown). A pass is never taken
  back by a later attempt, whatever the quiz's grading method, so points only go up;
- run_signed_off: every PracticeRun signed off, dated by `signed_off_at`;
- class_attended: every offline-class enrolment attended (one per person and class), dated
  by the hand mark or the check-out.

`events()` is one row per point-earning event (user_id, rule index, at); the totals multiply
the counts by the rules' current values inside the same statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    Select,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    union_all,
)

from app.extensions import db
from app.models import ClassEnrolment, LessonProgress, PracticeRun, QuizAttempt
from app.models.base import UTCDateTime
from app.services.classes.progress import attended
from app.services.points.rules import RULES

PERIODS = ("month", "all")
LESSON, QUIZ, RUN, CLASS = (literal_column(str(index), Integer) for index in range(4))


def period_start(period: str, now: datetime, zone: str) -> datetime | None:
    """UTC start of "this month" in the clinic's time zone; None for all time."""
    if period != "month":
        return None
    local = now.astimezone(ZoneInfo(zone))
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.astimezone(UTC)


def events(user_filter=None, since: datetime | None = None):
    """Subquery (user_id, rule, at): one row per point-earning event, `at` ≥ `since`."""
    lessons = (select(LessonProgress.user_id.label("user_id"), LESSON.label("rule"),
                      LessonProgress.completed_at.label("at"))
               .where(LessonProgress.completed_at.is_not(None)))
    quizzes = (select(QuizAttempt.user_id, QUIZ, func.min(QuizAttempt.finished_at))
               .where(QuizAttempt.quiz_id.is_not(None), QuizAttempt.mode == "exam",
                      QuizAttempt.state == "finished", QuizAttempt.passed.is_(True))
               .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id))
    runs = (select(PracticeRun.user_id, RUN, PracticeRun.signed_off_at)
            .where(PracticeRun.status == "signed_off", PracticeRun.signed_off_at.is_not(None)))
    classes = (select(ClassEnrolment.user_id, CLASS,
                      func.coalesce(ClassEnrolment.marked_at, ClassEnrolment.checked_out_at))
               .where(attended()))
    if user_filter is not None:
        lessons = lessons.where(LessonProgress.user_id.in_(user_filter))
        quizzes = quizzes.where(QuizAttempt.user_id.in_(user_filter))
        runs = runs.where(PracticeRun.user_id.in_(user_filter))
        classes = classes.where(ClassEnrolment.user_id.in_(user_filter))
    rows = union_all(lessons, quizzes, runs, classes).subquery("point_events")
    if since is None:
        return rows
    return select(rows).where(rows.c.at >= since).subquery("point_events_since")


def points_expression(rows, values: dict[str, int]):
    """SQL: the sum of the rules' values over the event rows `rows`."""
    value = case(*((rows.c.rule == index, literal(values[rule.key], Integer))
                   for index, rule in enumerate(RULES)), else_=literal(0, Integer))
    return func.coalesce(func.sum(value), 0)


def totals(values: dict[str, int], user_filter=None, since: datetime | None = None):
    """Subquery (user_id, points) of everyone with at least one event."""
    rows = events(user_filter, since)
    return (select(rows.c.user_id, points_expression(rows, values).label("points"))
            .group_by(rows.c.user_id).subquery("point_totals"))


def points_of(user_ids, values: dict[str, int], since: datetime | None = None
              ) -> dict[int, int]:
    """user id → points (0 for nobody's events), in one statement."""
    sub = totals(values, list(user_ids), since)
    found = dict(db.session.execute(select(sub.c.user_id, sub.c.points)).all())
    return {user_id: int(found.get(user_id, 0)) for user_id in user_ids}


@dataclass(frozen=True)
class RuleLine:
    key: str
    label: object
    value: int
    count: int
    count_in_period: int

    @property
    def points(self) -> int:
        return self.value * self.count

    @property
    def points_in_period(self) -> int:
        return self.value * self.count_in_period


@dataclass(frozen=True)
class MyPoints:
    lines: list[RuleLine]

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def total_in_period(self) -> int:
        return sum(line.points_in_period for line in self.lines)


def my_points(user_id: int, values: dict[str, int], since: datetime) -> MyPoints:
    """One person's points by rule, all time and since `since` (one statement: the events
    of that person alone, each part read by its `user_id` index)."""
    counts = {rule: (total, recent) for rule, total, recent in db.session.execute(
        _my_counts(), {"points_user": user_id, "points_since": since})}
    return MyPoints([RuleLine(rule.key, rule.label, values[rule.key],
                              *counts.get(index, (0, 0)))
                     for index, rule in enumerate(RULES)])


@lru_cache(maxsize=1)
def _my_counts() -> Select:
    """(rule, events, events since) of one person, built once per worker with the person and
    the period's start as bound parameters."""
    rows = events([bindparam("points_user", type_=Integer)])
    since = bindparam("points_since", type_=UTCDateTime())
    return (select(rows.c.rule, func.count(), func.count(case((rows.c.at >= since, 1))))
            .group_by(rows.c.rule))
