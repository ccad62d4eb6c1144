"""The quiz analytics without filters, from the maintained tables (`quiz_takers`,
`answer_tallies`) instead of every taker's answers; `quiz_stats` and `quiz_options` use these
when no date range and no department are chosen. Statements built once, bound per request.

The upper and lower 27 % (see `takers`) are cut by rank, found from the takers counted by
percent (`percents`: one statement over an index, which the score summary shares) without
ranking each taker; the tallies are counted by the taker's percent. Every percent strictly
above the last upper taker's (`pu`) is upper, every percent strictly below the first lower
taker's (`pl`) is lower — both added up from the tallies; the takers tied at `pu` (or `pl`)
are split by attempt id, so only their answers are read (`boundary_sums`: the takers of one
or two percent values, not all of them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, Text, and_, bindparam, case, func, or_, select

from app.extensions import db
from app.models import AttemptQuestion, Question, QuizAnswerTally, QuizTaker
from app.services.analytics.filters import Filters
from app.services.analytics.takers import LOWER, UPPER

CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")
FULL = 1 - 1e-9  # as quiz_stats.FULL


def applies(filters: Filters) -> bool:
    """Whether the maintained tables answer: no date range, no department."""
    return (filters.date_from is None and filters.date_to is None
            and filters.department_ids is None)


_T, _A = QuizTaker, AttemptQuestion
PASSED = func.sum(case((_T.passed.is_(True), 1), else_=0))
PERCENTS = (select(_T.percent, func.count(), func.sum(_T.percent), PASSED)
            .where(_T.quiz_id == bindparam("quiz_id")).group_by(_T.percent)
            .order_by(_T.percent.desc()))
"""(percent, takers, sum of their percents, passed) of a quiz's takers, best first: read from
`ix_quiz_takers_percent` alone (≤ 101 rows for 20 questions without partial credit)."""


@dataclass(frozen=True)
class Percents:
    """A quiz's takers counted by percent (`PERCENTS`), best first: the score summary and the
    27 % cut both come from it, one statement for both."""
    rows: tuple[tuple[float, int, float, int], ...]

    @property
    def takers(self) -> int:
        return sum(count for _percent, count, _total, _passed in self.rows)

    def cut(self, quiz_id: int) -> dict:
        """The parameters of the tied takers' statement and the tallies: the percent of the
        last upper taker (pu) and of the first lower one (pl), each with its 0-based place
        among the takers of that percent by attempt id (ou, ol). None when there is no such
        taker: no takers, or one, who is upper."""
        takers = self.takers
        size = max(1, (27 * takers + 50) // 100)
        pu, ou = self._at(size) if takers else (None, 0)
        first_lower = takers - size + 1
        pl, ol = self._at(first_lower) if first_lower > size else (None, 0)
        return {"quiz_id": quiz_id, "pu": pu, "ou": ou, "pl": pl, "ol": ol}

    def _at(self, rank: int) -> tuple[float, int]:
        """The percent of the taker at `rank` (1 = best) and its place among that percent's
        takers, who are ranked by attempt id."""
        above = 0
        for percent, count, _total, _passed in self.rows:
            if above + count >= rank:
                return percent, rank - above - 1
            above += count
        raise ValueError(rank)


def percents(quiz_id: int) -> Percents:
    """One statement."""
    return Percents(tuple((float(percent), int(count), float(total or 0), int(passed or 0))
                          for percent, count, total, passed
                          in db.session.execute(PERCENTS, {"quiz_id": quiz_id})))


def _tied_attempt(percent: str, place: str):
    """The attempt id at `place` among the takers of `percent` (by attempt id): the index's
    entries of that one percent, not the quiz's takers ranked."""
    return (select(_T.attempt_id)
            .where(_T.quiz_id == bindparam("quiz_id"), _T.percent == bindparam(percent))
            .order_by(_T.attempt_id).limit(1).offset(bindparam(place, type_=Integer))
            .scalar_subquery())


_IN_UPPER = and_(_T.percent == bindparam("pu"), _T.attempt_id <= _tied_attempt("pu", "ou"))
_IN_LOWER = and_(_T.percent == bindparam("pl"), _T.attempt_id >= _tied_attempt("pl", "ol"))
_GROUP = case((_IN_UPPER, UPPER), else_=LOWER).label("grp")
_BOUNDARY = (select(_A.question_id, _GROUP, func.sum(_A.fraction), func.count(_A.id))
             .join(_A, _A.attempt_id == _T.attempt_id)
             .where(_T.quiz_id == bindparam("quiz_id"), _A.fraction.is_not(None),
                    or_(_IN_UPPER, _IN_LOWER))
             .group_by(_A.question_id, _GROUP))


def boundary_sums(params: dict) -> dict[tuple[int, str], tuple[float, int]]:
    """(question id, upper / lower) → (sum of fractions, answers) of the takers tied at the
    cut who are inside the group (`Percents.cut`'s parameters). One statement."""
    if params["pu"] is None:
        return {}
    return {(question_id, grp): (float(total or 0), int(count))
            for question_id, grp, total, count in db.session.execute(_BOUNDARY, params)}


def per_question():
    """Subquery with the columns of the live item statement (question_id, answered, total,
    full, upper_sum, upper_n, lower_sum, lower_n, versions), from the tallies; the tied takers
    at the cut are added by the caller (`boundary_sums`). Parameters quiz_id, pu, pl."""
    t = QuizAnswerTally
    weighted = t.fraction * t.people
    upper = t.percent > bindparam("pu")
    lower = t.percent < bindparam("pl")
    return (select(t.question_id.label("question_id"), func.sum(t.people).label("answered"),
                   func.sum(weighted).label("total"),
                   func.sum(case((t.fraction >= FULL, t.people), else_=0)).label("full"),
                   func.sum(case((upper, weighted), else_=0)).label("upper_sum"),
                   func.sum(case((upper, t.people), else_=0)).label("upper_n"),
                   func.sum(case((lower, weighted), else_=0)).label("lower_sum"),
                   func.sum(case((lower, t.people), else_=0)).label("lower_n"),
                   func.count(t.version_id.distinct()).label("versions"))
            .where(t.quiz_id == bindparam("quiz_id"), t.graded.is_(True), t.people > 0)
            .group_by(t.question_id).subquery("per_question"))


RESPONSES = (select(QuizAnswerTally.question_id, QuizAnswerTally.version_id, Question.type,
                    QuizAnswerTally.response.cast(Text).label("response"),
                    func.sum(QuizAnswerTally.people).label("people"))
             .join(Question, Question.id == QuizAnswerTally.question_id)
             .where(QuizAnswerTally.quiz_id == bindparam("quiz_id"),
                    Question.type.in_(CHOICE_TYPES), QuizAnswerTally.people > 0)
             .group_by(QuizAnswerTally.question_id, QuizAnswerTally.version_id, Question.type,
                       QuizAnswerTally.response))
"""The takers' responses to the choice questions, counted (the shape of
`quiz_options._responses`). Parameter quiz_id."""
