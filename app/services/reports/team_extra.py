"""Beside the matrix: checklist review scores and private-domain results next to training.

- Review averages: each criterion's mean score (1–5) per SOP module over the reviews of the
  people in view (by review date within the range). `RunReview.scores` is JSON; it is
  aggregated in Python over one streamed statement (rows fetched in batches), which works the
  same on SQLite and PostgreSQL and keeps memory flat.
- Results beside training: for every active metric, the team's total of each of its last 12
  periods (weeks or months, ending with the range's last day or today) and, beside it, the
  training completion at the end of each period: the share of the (person, assignment) pairs
  in view that were completed by then. Two statements whatever the team's size.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.models import PracticeRun, SopModule
from app.models.practice import RunReview
from app.models.results import Metric, MetricResult
from app.services.practice.rubric import criterion_label
from app.services.reports import percent
from app.services.reports.dashboard import team_status
from app.services.reports.filters import View, bounds, people_in_view
from app.services.results import measures
from app.services.results.metrics import list_metrics
from app.services.results.periods import period_end, recent_starts, short_label

TREND_PERIODS = 12
REVIEW_BATCH = 500


@dataclass
class CriterionScore:
    key: str
    label: object
    total: float = 0.0
    count: int = 0

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass
class ModuleReviews:
    module_id: int
    title: str
    reviews: int = 0
    signed_off: int = 0
    criteria: dict[str, CriterionScore] = field(default_factory=dict)


def review_query(view: View):
    start, end = bounds(view)
    query = (select(SopModule.id, SopModule.title, RunReview.decision, RunReview.scores)
             .select_from(RunReview)
             .join(PracticeRun, PracticeRun.id == RunReview.run_id)
             .join(SopModule, SopModule.id == PracticeRun.module_id)
             .where(PracticeRun.user_id.in_(people_in_view(view))))
    if start is not None:
        query = query.where(RunReview.created_at >= start)
    if end is not None:
        query = query.where(RunReview.created_at < end)
    return query.execution_options(yield_per=REVIEW_BATCH)


def review_averages(view: View) -> list[ModuleReviews]:
    """Per SOP module (by title): reviews, sign-offs and each criterion's mean score."""
    modules: dict[int, ModuleReviews] = {}
    for module_id, title, decision, scores in db.session.execute(review_query(view)):
        summary = modules.setdefault(module_id, ModuleReviews(module_id, title))
        summary.reviews += 1
        summary.signed_off += decision == "signed_off"
        for key, score in (scores or {}).items():
            if isinstance(score, int | float) and not isinstance(score, bool):
                criterion = summary.criteria.setdefault(
                    key, CriterionScore(key, criterion_label(key)))
                criterion.total += score
                criterion.count += 1
    return sorted(modules.values(), key=lambda m: (m.title, m.module_id))


@dataclass
class TrendPoint:
    label: str
    total: float | None  # the team's figure for the period: sum or average, rounded (None:
    # nobody entered one)
    people: int  # how many entered a figure
    training: float | None  # completion % of the training in view at the period's end


@dataclass
class MetricTrend:
    metric: Metric
    points: list[TrendPoint]

    @property
    def series(self) -> list[tuple[str, float | None]]:
        return [(p.label, p.total) for p in self.points]

    @property
    def training_series(self) -> list[tuple[str, float | None]]:
        return [(p.label, p.training) for p in self.points]

    @property
    def has_values(self) -> bool:
        return any(p.total is not None for p in self.points)


def results_beside_training(view: View, today: date) -> list[MetricTrend]:
    """Every active metric's team totals over its last periods, with training completion."""
    metrics = list_metrics()
    if not metrics:
        return []
    last = min(view.filters.date_to, today) if view.filters.date_to else today
    starts = {kind: recent_starts(kind, last, TREND_PERIODS)
              for kind in {m.period for m in metrics}}
    totals = _team_totals(view, metrics, min(s[0] for s in starts.values()), last)
    training = _training_at(view, {kind: [_end_instant(s, kind, view.zone) for s in ks]
                                   for kind, ks in starts.items()})
    return [MetricTrend(m, [TrendPoint(short_label(s, m.period),
                                       *_figure(m, totals.get((m.id, s))),
                                       training[m.period][i])
                            for i, s in enumerate(starts[m.period])])
            for m in metrics]


def _end_instant(start: date, kind: str, zone: str) -> datetime:
    return datetime.combine(period_end(start, kind) + timedelta(days=1), time(), ZoneInfo(zone))


def _figure(metric: Metric, found: tuple[float, int, int] | None) -> tuple[float | None, int]:
    """(the team's figure for a period — the sum or the average, as the metric measures —
    rounded to its precision; how many people entered one)."""
    if found is None:
        return None, 0
    total, figures, people = found
    return measures.combine(metric, total, figures), people


def _team_totals(view: View, metrics: list[Metric], first: date,
                 last: date) -> dict[tuple[int, date], tuple[float, int, int]]:
    query = (select(MetricResult.metric_id, MetricResult.period_start,
                    func.sum(MetricResult.value), func.count(MetricResult.id),
                    func.count(MetricResult.user_id.distinct()))
             .where(MetricResult.metric_id.in_([m.id for m in metrics]),
                    MetricResult.user_id.in_(people_in_view(view)),
                    MetricResult.period_start >= first, MetricResult.period_start <= last)
             .group_by(MetricResult.metric_id, MetricResult.period_start))
    return {(metric_id, start): (float(total), int(figures), int(people))
            for metric_id, start, total, figures, people in db.session.execute(query)}


def _training_at(view: View, ends: dict[str, list[datetime]]) -> dict[str, list]:
    """kind → completion % of the pairs in view at each instant (from the status rows)."""
    keys = [(kind, i) for kind, instants in ends.items() for i in range(len(instants))]
    owed, counts = training_counts(view, [ends[kind][i] for kind, i in keys])
    found: dict[str, list] = defaultdict(list)
    for (kind, _i), count in zip(keys, counts, strict=True):
        found[kind].append(percent(count, owed))
    return found


def training_counts(view: View, instants: list[datetime]) -> tuple[int, list[int]]:
    """(pairs in view, of them those completed before each instant)."""
    rows = team_status(view)
    done = sorted(row.done_at for row in rows
                  if row.status == "completed" and row.done_at is not None)
    return len(rows), [bisect_left(done, instant) for instant in instants]
