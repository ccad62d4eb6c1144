"""Who counts in a quiz's analysis: each person's FIRST finished exam attempt (by attempt
number), within the filters, ranked by percent for the upper and lower 27 % groups.

Without a date range, the first attempts are the maintained table `quiz_takers`
(`taker_rows`); with one, the first attempt handed in within the range is ranked from the
attempts. All of it is SQL (window functions: SQLite ≥ 3.25 and PostgreSQL), used as a
subquery by the statements of `quiz_stats`, `quiz_options` and `overview`.

Groups: the takers are ordered by percent, highest first, ties by attempt id (the earlier
attempt first); with N takers, n = max(1, floor(0.27 × N + 0.5)) (0.27 N rounded half up, in
integer arithmetic: (27 N + 50) div 100); the first n are "upper", the last n "lower", the rest
"middle". For N ≥ 3 the groups never overlap; with one taker they would, and that taker is
"upper" (D is then meaningless and shown as such: too few takers).
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from app.models import QuizAttempt, QuizTaker
from app.models.attempts import FINISHED
from app.services.analytics.filters import Filters

UPPER, MIDDLE, LOWER = "upper", "middle", "lower"


def first_attempts(filters: Filters, quiz_id: int | None = None):
    """Subquery (id, quiz_id, user_id, percent, passed): each person's first finished exam
    attempt per quiz handed in within the date range, of people in the department. Without a
    date range these are the maintained rows of `quiz_takers` (taker_rows): the quiz's
    takers read by its primary key, not every attempt ranked."""
    if filters.date_from is None and filters.date_to is None:
        return maintained_firsts(filters, quiz_id)
    return ranked_firsts(filters, quiz_id)


def maintained_firsts(filters: Filters, quiz_id: int | None = None):
    """`first_attempts` from the maintained table (no date range)."""
    query = select(QuizTaker.attempt_id.label("id"), QuizTaker.quiz_id, QuizTaker.user_id,
                   QuizTaker.percent, QuizTaker.passed).where(*filters.people(QuizTaker.user_id))
    if quiz_id is not None:
        query = query.where(QuizTaker.quiz_id == quiz_id)
    return query.subquery("firsts")


def ranked_firsts(filters: Filters, quiz_id: int | None = None):
    """`first_attempts` ranked from the attempts (any filters)."""
    ranked = (select(QuizAttempt.id, QuizAttempt.quiz_id, QuizAttempt.user_id,
                     QuizAttempt.percent, QuizAttempt.passed,
                     func.row_number().over(
                         partition_by=(QuizAttempt.quiz_id, QuizAttempt.user_id),
                         order_by=(QuizAttempt.number, QuizAttempt.id)).label("nth"))
              .where(QuizAttempt.mode == "exam", QuizAttempt.state == FINISHED,
                     QuizAttempt.percent.is_not(None), QuizAttempt.quiz_id.is_not(None),
                     *filters.in_range(QuizAttempt.submitted_at),
                     *filters.people(QuizAttempt.user_id)))
    if quiz_id is not None:
        ranked = ranked.where(QuizAttempt.quiz_id == quiz_id)
    ranked = ranked.subquery("ranked")
    return (select(ranked.c.id, ranked.c.quiz_id, ranked.c.user_id, ranked.c.percent,
                   ranked.c.passed)
            .where(ranked.c.nth == 1).subquery("firsts"))


def grouped_takers(filters: Filters, quiz_id: int):
    """Subquery (id, user_id, percent, passed, rank, takers, grp) of one quiz's takers,
    `rank` 1 = best, `grp` upper / middle / lower (see the module docstring)."""
    firsts = first_attempts(filters, quiz_id)
    ordered = select(firsts.c.id, firsts.c.user_id, firsts.c.percent, firsts.c.passed,
                     func.row_number().over(order_by=(firsts.c.percent.desc(), firsts.c.id))
                     .label("rank"),
                     func.count().over().label("takers")).subquery("ordered")
    rounded = (27 * ordered.c.takers + 50) // 100
    size = case((rounded < 1, 1), else_=rounded)
    group = case((ordered.c.rank <= size, UPPER),
                 (ordered.c.rank > ordered.c.takers - size, LOWER), else_=MIDDLE)
    return select(ordered, group.label("grp")).subquery("takers")


def bucket_of(percent_column):
    """The 10-point bucket (0..9) of a percent: [0, 10) → 0 … [90, 100] → 9. A CASE, not
    FLOOR, which SQLite may lack and which PostgreSQL's CAST would round."""
    return case(*[(percent_column < 10 * (index + 1), index) for index in range(9)], else_=9)


def in_group(grp_column, name: str, value):
    """`value` for the takers of group `name`, else 0 (for SUM)."""
    return case((grp_column == name, value), else_=0)
