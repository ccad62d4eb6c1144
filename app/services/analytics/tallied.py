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
from functools import lru_cache

from sqlalchemy import Integer, Text, bindparam, case, func, literal, select, union_all

from app.extensions import db
from app.models import AttemptQuestion, Question, QuizAnswerTally, QuizTaker
from app.services.analytics.filters import Filters

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
        pu, ou, tied_u = self._at(size) if takers else (None, 0, 0)
        first_lower = takers - size + 1
        pl, ol, tied_l = self._at(first_lower) if first_lower > size else (None, 0, 0)
        # read the smaller side of each tie: the upper takers at pu are its first ou + 1 by
        # attempt id, the lower ones at pl its last tied_l - ol
        return {"quiz_id": quiz_id, "pu": pu, "ou": ou, "pl": pl, "ol": ol,
                "upper_rest": pu is not None and ou + 1 > tied_u - ou - 1,
                "lower_rest": pl is not None and tied_l - ol > ol}

    def _at(self, rank: int) -> tuple[float, int, int]:
        """The percent of the taker at `rank` (1 = best), its place among that percent's
        takers, who are ranked by attempt id, and how many they are."""
        above = 0
        for percent, count, _total, _passed in self.rows:
            if above + count >= rank:
                return percent, rank - above - 1, count
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


@lru_cache(maxsize=4)
def _boundary(upper_rest: bool, lower_rest: bool):
    """The answers of the takers read at the cut, upper and lower summed apart: at `pu` the
    upper ones (attempt id ≤ the one at place `ou`) or, when they are more, the others; at
    `pl` the lower ones (attempt id ≥ the one at place `ol`) or the others. The takers are
    found first (`tied`, each marked upper or not: from ix_quiz_takers_percent alone), then
    their answers (on SQLite from ix_attempt_questions_grades alone): a taker counted on
    both sides (pu = pl) is there twice, once for each."""
    upper_at, lower_at = _tied_attempt("pu", "ou"), _tied_attempt("pl", "ol")
    upper = select(_T.attempt_id, literal(1).label("up")).where(
        _T.quiz_id == bindparam("quiz_id"), _T.percent == bindparam("pu"),
        _T.attempt_id > upper_at if upper_rest else _T.attempt_id <= upper_at)
    lower = select(_T.attempt_id, literal(0).label("up")).where(
        _T.quiz_id == bindparam("quiz_id"), _T.percent == bindparam("pl"),
        _T.attempt_id < lower_at if lower_rest else _T.attempt_id >= lower_at)
    tied = union_all(upper, lower).cte("tied")
    return (select(_A.question_id, func.sum(_A.fraction * tied.c.up), func.sum(tied.c.up),
                   func.sum(_A.fraction * (1 - tied.c.up)), func.sum(1 - tied.c.up))
            .select_from(tied).join(_A, _A.attempt_id == tied.c.attempt_id)
            .where(_A.fraction.is_not(None))
            .group_by(_A.question_id))


def boundary_sums(params: dict) -> dict[int, tuple[float, int, float, int]]:
    """Question id → (sum of fractions, answers) of the upper, then of the lower takers read
    at the cut (`Percents.cut`'s parameters; `tied` turns them into the tied takers inside
    each group). One statement."""
    if params["pu"] is None:
        return {}
    return {question_id: (float(upper or 0), int(upper_n or 0), float(lower or 0),
                          int(lower_n or 0))
            for question_id, upper, upper_n, lower, lower_n in db.session.execute(
                _boundary(params["upper_rest"], params["lower_rest"]), params)}


def tied(row, read: tuple[float, int, float, int] | None, params: dict
         ) -> tuple[float, int, float, int]:
    """(sum, answers) of one question's tied takers inside the upper, then the lower group:
    what was read, or the tie's tally (`per_question`'s at_pu / at_pl) less what was read
    when the other side of the tie was (a sum within 1e-9 of 0 is 0: a float's rounding)."""
    upper_sum, upper_n, lower_sum, lower_n = read or (0.0, 0, 0.0, 0)
    if params.get("upper_rest"):
        upper_sum = _less(row.at_pu_sum, upper_sum)
        upper_n = int(row.at_pu_n or 0) - upper_n
    if params.get("lower_rest"):
        lower_sum = _less(row.at_pl_sum, lower_sum)
        lower_n = int(row.at_pl_n or 0) - lower_n
    return upper_sum, upper_n, lower_sum, lower_n


def _less(total, read: float) -> float:
    left = float(total or 0) - read
    return 0.0 if abs(left) < 1e-9 else left


def per_question():
    """Subquery with the columns of the live item statement (question_id, answered, total,
    full, upper_sum, upper_n, lower_sum, lower_n, versions) and the ties' own tallies (at_pu_sum,
    at_pu_n, at_pl_sum, at_pl_n), from the tallies; the tied takers inside each group are
    added by the caller (`boundary_sums`, `tied`). Parameters quiz_id, pu, pl."""
    t = QuizAnswerTally
    weighted = t.fraction * t.people
    upper = t.percent > bindparam("pu")
    lower = t.percent < bindparam("pl")
    at_pu, at_pl = t.percent == bindparam("pu"), t.percent == bindparam("pl")
    return (select(t.question_id.label("question_id"), func.sum(t.people).label("answered"),
                   func.sum(weighted).label("total"),
                   func.sum(case((t.fraction >= FULL, t.people), else_=0)).label("full"),
                   func.sum(case((upper, weighted), else_=0)).label("upper_sum"),
                   func.sum(case((upper, t.people), else_=0)).label("upper_n"),
                   func.sum(case((lower, weighted), else_=0)).label("lower_sum"),
                   func.sum(case((lower, t.people), else_=0)).label("lower_n"),
                   func.sum(case((at_pu, weighted), else_=0)).label("at_pu_sum"),
                   func.sum(case((at_pu, t.people), else_=0)).label("at_pu_n"),
                   func.sum(case((at_pl, weighted), else_=0)).label("at_pl_sum"),
                   func.sum(case((at_pl, t.people), else_=0)).label("at_pl_n"),
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
