"""The quiz analytics without filters, from the maintained tables (`quiz_takers`,
`answer_tallies`) instead of every taker's answers; `quiz_stats` and `quiz_options` use these
when no date range and no department are chosen. Statements built once, bound per request.

The upper and lower 27 % (see `takers`) are cut by rank; the tallies are counted by the
taker's percent. Every percent strictly above the last upper taker's (`pu`) is upper, every
percent strictly below the first lower taker's (`pl`) is lower — both added up from the
tallies; the takers tied at `pu` (or `pl`) are split by attempt id, so only their answers are
read (`boundary_sums`: the takers of one or two percent values, not all of them)."""

from __future__ import annotations

from sqlalchemy import Text, and_, bindparam, case, func, or_, select

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


def _ordered():
    rank = func.row_number().over(order_by=(QuizTaker.percent.desc(), QuizTaker.attempt_id))
    ordered = (select(QuizTaker.percent, QuizTaker.attempt_id, rank.label("rank"),
                      func.count().over().label("takers"))
               .where(QuizTaker.quiz_id == bindparam("quiz_id")).subquery("ordered"))
    rounded = (27 * ordered.c.takers + 50) // 100
    size = case((rounded < 1, 1), else_=rounded)
    upper = ordered.c.rank == size
    lower = and_(ordered.c.rank == ordered.c.takers - size + 1, ordered.c.rank > size)
    return select(case((upper, UPPER), else_=LOWER).label("grp"), ordered.c.percent,
                  ordered.c.attempt_id).where(or_(upper, lower))


_BOUNDS = _ordered()
_T, _A = QuizTaker, AttemptQuestion
_IN_UPPER = and_(_T.percent == bindparam("pu"), _T.attempt_id <= bindparam("au"))
_IN_LOWER = and_(_T.percent == bindparam("pl"), _T.attempt_id >= bindparam("al"))
_GROUP = case((_IN_UPPER, UPPER), else_=LOWER).label("grp")
_BOUNDARY = (select(_A.question_id, _GROUP, func.sum(_A.fraction), func.count(_A.id))
             .join(_A, _A.attempt_id == _T.attempt_id)
             .where(_T.quiz_id == bindparam("quiz_id"), _A.fraction.is_not(None),
                    or_(_IN_UPPER, _IN_LOWER))
             .group_by(_A.question_id, _GROUP))


def bounds(quiz_id: int) -> dict:
    """The last upper and the first lower taker, as parameters pu, au, pl, al (None when
    there is no such taker: no takers, or one, who is upper). One statement."""
    found = {grp: (percent, attempt_id)
             for grp, percent, attempt_id in db.session.execute(_BOUNDS, {"quiz_id": quiz_id})}
    pu, au = found.get(UPPER, (None, None))
    pl, al = found.get(LOWER, (None, None))
    return {"quiz_id": quiz_id, "pu": pu, "au": au, "pl": pl, "al": al}


def boundary_sums(params: dict) -> dict[tuple[int, str], tuple[float, int]]:
    """(question id, upper / lower) → (sum of fractions, answers) of the takers tied at the
    cut who are inside the group. One statement."""
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
