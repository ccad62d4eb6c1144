"""A quiz's whole analysis (scores, items, options) and the per-quiz headline figures of the
analytics index. Constant statements: see `quiz_analysis`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.extensions import db
from app.models.quiz import Quiz
from app.services.analytics import tallied
from app.services.analytics.filters import Filters
from app.services.analytics.quiz_options import attach_options, option_tallies
from app.services.analytics.quiz_stats import (
    MIN_TAKERS,
    ItemStat,
    ScoreSummary,
    item_stats,
    score_summary,
)
from app.services.analytics.takers import first_attempts


@dataclass(frozen=True)
class QuizAnalysis:
    summary: ScoreSummary
    items: list[ItemStat]

    @property
    def enough(self) -> bool:
        return self.summary.takers >= MIN_TAKERS

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.flags)


@dataclass(frozen=True)
class QuizHeadline:
    quiz_id: int
    title: str
    mode: str
    takers: int
    mean: float | None
    passed: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.takers if self.takers else None


def quiz_analysis(filters: Filters, quiz_id: int) -> QuizAnalysis:
    """Score summary and item statistics (without filters: the takers counted by percent,
    the tied takers' answers, the tallies — 3 statements; with filters 2) and option counts
    (2)."""
    counted = tallied.percents(quiz_id) if tallied.applies(filters) else None
    items = item_stats(filters, quiz_id, counted)
    attach_options(items, option_tallies(filters, quiz_id))
    return QuizAnalysis(score_summary(filters, quiz_id, counted), items)


def quiz_headlines(filters: Filters) -> list[QuizHeadline]:
    """Every active quiz with its takers, mean percent and passes (first attempts)."""
    firsts = first_attempts(filters)
    query = (select(Quiz.id, Quiz.title, Quiz.mode, func.count(firsts.c.id),
                    func.avg(firsts.c.percent),
                    func.count(case((firsts.c.passed.is_(True), firsts.c.id))))
             .outerjoin(firsts, firsts.c.quiz_id == Quiz.id)
             .where(Quiz.archived.is_(False))
             .group_by(Quiz.id, Quiz.title, Quiz.mode).order_by(Quiz.title, Quiz.id))
    return [QuizHeadline(quiz_id, title, mode, int(takers),
                         float(mean) if mean is not None else None, int(passed))
            for quiz_id, title, mode, takers, mean, passed in db.session.execute(query)]
