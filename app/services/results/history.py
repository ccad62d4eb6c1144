"""A person's results over time: the last periods of every active metric, for tables and
charts, in a constant number of statements (two, whatever the history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models.results import PERIODS, Metric, MetricResult
from app.services.results import measures
from app.services.results.metrics import list_metrics
from app.services.results.periods import period_key, period_label, recent_starts, short_label

HISTORY_PERIODS = 12


@dataclass
class HistoryPoint:
    start: date
    key: str
    label: str
    short: str
    result: MetricResult | None

    @property
    def value(self) -> float | None:
        return None if self.result is None else self.result.value


@dataclass
class MetricHistory:
    """One metric's last periods, oldest first; the last point is the current period."""

    metric: Metric
    points: list[HistoryPoint]

    @property
    def current(self) -> HistoryPoint:
        return self.points[-1]

    @property
    def series(self) -> list[tuple[str, float | None]]:
        """(label, value) pairs for the chart macro; None where nothing was entered."""
        return [(point.short, measures.rounded(point.value, self.metric.decimals))
                for point in self.points]

    @property
    def has_values(self) -> bool:
        return any(point.result is not None for point in self.points)


def person_history(user_id: int, today: date, count: int = HISTORY_PERIODS) -> list[MetricHistory]:
    """Every active metric with the person's figures of its last `count` periods."""
    metrics = list_metrics()
    starts = {kind: recent_starts(kind, today, count) for kind in PERIODS}
    earliest = min(s[0] for s in starts.values())
    found = {(r.metric_id, r.period_start): r for r in db.session.scalars(
        select(MetricResult).where(MetricResult.user_id == user_id,
                                   MetricResult.period_start >= earliest,
                                   MetricResult.metric_id.in_([m.id for m in metrics])))}
    labels = {kind: [(s, period_key(s, kind), period_label(s, kind), short_label(s, kind))
                     for s in kind_starts] for kind, kind_starts in starts.items()}
    return [MetricHistory(metric, [HistoryPoint(start, key, label, short,
                                                found.get((metric.id, start)))
                                   for start, key, label, short in labels[metric.period]])
            for metric in metrics]


@dataclass
class EntrySheet:
    """The entry form of one period kind: the chosen period, the periods one may pick (newest
    first), and each metric of that kind with the figure already stored."""

    kind: str
    point: HistoryPoint
    choices: list[tuple[str, str]]
    rows: list[tuple[Metric, MetricResult | None]]


def entry_sheet(histories: list[MetricHistory], kind: str, start: date) -> EntrySheet:
    """The form for `start` (the current period when `start` is outside the history)."""
    mine = [h for h in histories if h.metric.period == kind]
    points = mine[0].points if mine else []
    index = next((i for i, p in enumerate(points) if p.start == start), len(points) - 1)
    point = points[index] if points else None
    return EntrySheet(kind, point, [(p.key, p.label) for p in reversed(points)],
                      [(h.metric, h.points[index].result) for h in mine])
