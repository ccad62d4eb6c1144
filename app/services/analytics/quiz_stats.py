"""A quiz's score distribution and item analysis (one SQL statement each; the option
distribution is `quiz_options`). Definitions: docs/analytics.md and `takers`.

- facility p: the mean fraction (0..1) of the question among the takers who were asked it
  (partial credit counts as its fraction); "fully correct" counts fractions of 1;
- discrimination D = p(upper 27 %) − p(lower 27 %), the groups ranked by the attempt's percent;
- flags, only when at least MIN_TAKERS people answered the question: too easy (p > 0.95),
  too hard (p < 0.2), weak discrimination (D < 0.1);
- a question is analysed across all its versions (an attempt is pinned to the version it was
  asked); the number of versions seen is shown beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, func, select

from app.extensions import db
from app.models import AttemptQuestion, Question, QuestionVersion
from app.models.quiz import QuizItem
from app.services.analytics import tallied
from app.services.analytics.filters import Filters
from app.services.analytics.takers import (
    LOWER,
    UPPER,
    bucket_of,
    first_attempts,
    grouped_takers,
    in_group,
)

MIN_TAKERS = 10
EASY, HARD, WEAK = 0.95, 0.2, 0.1
FULL = 1 - 1e-9  # a fraction counted as fully correct
FLAG_LABELS = {"easy": _l("Too easy"), "hard": _l("Too hard"),
               "weak": _l("Weak discrimination")}


@dataclass(frozen=True)
class Bucket:
    index: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.index * 10}–{self.index * 10 + 10}"


@dataclass(frozen=True)
class ScoreSummary:
    takers: int
    mean: float | None
    passed: int
    buckets: list[Bucket]

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.takers if self.takers else None

    @property
    def series(self) -> list[tuple[str, int]]:
        """(range, people), for a bar chart."""
        return [(bucket.label, bucket.count) for bucket in self.buckets]


@dataclass
class OptionCount:
    text: object  # str, or a lazy translation (true / false)
    count: int
    correct: bool


@dataclass
class ItemStat:
    question_id: int
    type: str
    label: str
    answered: int
    facility: float
    full: int
    p_upper: float | None
    p_lower: float | None
    versions: int
    options: list[OptionCount] = field(default_factory=list)
    no_answer: int = 0

    @property
    def discrimination(self) -> float | None:
        if self.p_upper is None or self.p_lower is None:
            return None
        return self.p_upper - self.p_lower

    @property
    def enough(self) -> bool:
        return self.answered >= MIN_TAKERS

    @property
    def flags(self) -> tuple[str, ...]:
        """easy / hard / weak, or nothing when too few people answered."""
        if not self.enough:
            return ()
        found = []
        if self.facility > EASY:
            found.append("easy")
        if self.facility < HARD:
            found.append("hard")
        if self.discrimination is not None and self.discrimination < WEAK:
            found.append("weak")
        return tuple(found)


def score_summary(filters: Filters, quiz_id: int,
                  counted: tallied.Percents | None = None) -> ScoreSummary:
    """Takers, mean percent, passes and the 10-point histogram (one statement): without
    filters from the takers counted by percent (`tallied.percents`, which the item statistics
    share), else from the first attempts as they are, unranked (the groups need the ranking;
    these figures do not)."""
    if counted is None and tallied.applies(filters):
        counted = tallied.percents(quiz_id)
    if counted is not None:
        rows = [(bucket_index(percent), count, total, passed)
                for percent, count, total, passed in counted.rows]
    else:
        takers = first_attempts(filters, quiz_id)
        bucket = bucket_of(takers.c.percent).label("bucket")
        rows = db.session.execute(
            select(bucket, func.count(), func.sum(takers.c.percent),
                   func.sum(case((takers.c.passed.is_(True), 1), else_=0)))
            .group_by(bucket)).all()
    counts: dict[int, int] = {}
    for index, count, _total, _passed in rows:
        counts[int(index)] = counts.get(int(index), 0) + int(count)
    total = sum(counts.values())
    mean = math.fsum(float(row[2] or 0) for row in rows) / total if total else None
    return ScoreSummary(total, mean, sum(int(row[3] or 0) for row in rows),
                        [Bucket(index, counts.get(index, 0)) for index in range(10)])


def bucket_index(percent: float) -> int:
    """`takers.bucket_of` in Python: [0, 10) → 0 … [90, 100] → 9."""
    return next((index for index in range(9) if percent < 10 * (index + 1)), 9)


def question_label(data: dict) -> str:
    """A question's title, or its stem on one line."""
    return " ".join(str(data.get("title") or data.get("stem") or "").split())


def _live_per_question(filters: Filters, quiz_id: int):
    """Subquery: the item figures per question, from the takers' answers."""
    takers = grouped_takers(filters, quiz_id)
    aq, grp = AttemptQuestion, takers.c.grp
    return (
        select(aq.question_id.label("question_id"), func.count(aq.id).label("answered"),
               func.sum(aq.fraction).label("total"),
               func.sum(case((aq.fraction >= FULL, 1), else_=0)).label("full"),
               func.sum(in_group(grp, UPPER, aq.fraction)).label("upper_sum"),
               func.sum(in_group(grp, UPPER, 1)).label("upper_n"),
               func.sum(in_group(grp, LOWER, aq.fraction)).label("lower_sum"),
               func.sum(in_group(grp, LOWER, 1)).label("lower_n"),
               func.count(aq.version_id.distinct()).label("versions"))
        .join(takers, takers.c.id == aq.attempt_id).where(aq.fraction.is_not(None))
        .group_by(aq.question_id).subquery("per_question"))


def _with_questions(per_question, quiz_id):
    """The per-question figures with the question's type and current wording, in the quiz's
    order (questions no longer in it last)."""
    return (select(per_question, Question.type, QuestionVersion.data)
            .join(Question, Question.id == per_question.c.question_id)
            .join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                        QuestionVersion.number == Question.current_version))
            .outerjoin(QuizItem, and_(QuizItem.quiz_id == quiz_id,
                                      QuizItem.question_id == Question.id))
            .order_by(QuizItem.rank.is_(None), QuizItem.rank, Question.id))


def _item_query(filters: Filters, quiz_id: int):
    return _with_questions(_live_per_question(filters, quiz_id), quiz_id)


_TALLIED = _with_questions(tallied.per_question(), bindparam("quiz_id"))  # built once


def _mean(total, count) -> float | None:
    return float(total or 0) / int(count) if count else None


def item_stats(filters: Filters, quiz_id: int,
               counted: tallied.Percents | None = None) -> list[ItemStat]:
    """Every question the takers were asked, in the quiz's order: one statement from the
    answers, or without filters two from the maintained tallies (`tallied`) after the
    takers counted by percent (`counted`, read here when not given: one more)."""
    if tallied.applies(filters):
        params = (counted or tallied.percents(quiz_id)).cut(quiz_id)
        read = tallied.boundary_sums(params)
        rows = db.session.execute(_TALLIED, params)
    else:
        params, read, rows = None, {}, db.session.execute(_item_query(filters, quiz_id))
    items = []
    for row in rows:
        upper_sum, upper_n, lower_sum, lower_n = (
            tallied.tied(row, read.get(row.question_id), params) if params is not None
            else (0.0, 0, 0.0, 0))
        items.append(ItemStat(
            row.question_id, row.type, question_label(row.data), int(row.answered),
            float(row.total or 0) / int(row.answered), int(row.full or 0),
            _mean(float(row.upper_sum or 0) + upper_sum, int(row.upper_n or 0) + upper_n),
            _mean(float(row.lower_sum or 0) + lower_sum, int(row.lower_n or 0) + lower_n),
            int(row.versions)))
    return items
