"""The metrics a clinic tracks (新增企微好友, 邀约到院 …): define, edit, archive, list."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models.results import PERIODS, Metric, MetricResult
from app.services.errors import DomainError
from app.services.results.measures import MAX_DECIMALS, MEASURES, default_for_unit
from app.services.validation import clean_multiline, clean_text

NAME_MAX, UNIT_MAX, DESCRIPTION_MAX = 60, 20, 500
SORT_MIN, SORT_MAX = -100_000, 100_000
# A cell starting with one of these is a formula to Excel: names become template headers.
FORMULA_STARTS = ("=", "+", "-", "@")
# Fixed columns of the import template: a metric of that name would be ambiguous.
RESERVED_NAMES = {"登录名", "工号", "姓名", "login", "name"}


@dataclass
class MetricData:
    """What an admin says about a metric."""

    name: str | None
    unit: str | None = ""
    period: str = "weekly"
    higher_is_better: bool = True
    description: str | None = ""
    sort_order: int | None = 0
    kind: str | None = None  # what it measures (measures.MEASURES); None → from the unit
    decimals: int | None = None  # shown and exported to this precision; None → the kind's


def clean_metric_data(data: MetricData, existing: Metric | None = None) -> MetricData:
    """Check every field; raise DomainError naming the first bad field."""
    name = clean_text(data.name, field="name", label=_l("Metric name"),
                      max_length=NAME_MAX).strip()
    if name.startswith(FORMULA_STARTS):
        raise DomainError(_l("A metric name must not start with = + - or @ (Excel would read "
                             "it as a formula)."), "name")
    if name.lower() in RESERVED_NAMES:
        raise DomainError(_l("'%(name)s' is a column of the import template; choose another "
                             "name.", name=name), "name")
    clash = db.session.scalar(select(Metric).where(func.lower(Metric.name) == name.lower()))
    if clash is not None and clash is not existing:
        raise DomainError(_l("A metric called '%(name)s' already exists.", name=name), "name")
    unit = clean_text(data.unit, field="unit", label=_l("Unit"), max_length=UNIT_MAX,
                      required=False)
    if data.period not in PERIODS:
        raise DomainError(_l("Choose weekly or monthly."), "period")
    description = clean_multiline(data.description, field="description",
                                  label=_l("Description"), max_length=DESCRIPTION_MAX)
    sort_order = data.sort_order or 0
    if not SORT_MIN <= sort_order <= SORT_MAX:
        raise DomainError(_l("Sort order must be between %(min)d and %(max)d.", min=SORT_MIN,
                             max=SORT_MAX), "sort_order")
    unit = (unit or "").strip()
    kind = data.kind or default_for_unit(unit)[0]
    if kind not in MEASURES:
        raise DomainError(_l("Choose what the metric measures."), "kind")
    decimals = MEASURES[kind].decimals if data.decimals is None else data.decimals
    if not 0 <= decimals <= MAX_DECIMALS:
        raise DomainError(_l("Decimals must be between 0 and %(max)d.", max=MAX_DECIMALS),
                          "decimals")
    return MetricData(name=name, unit=unit, period=data.period,
                      higher_is_better=bool(data.higher_is_better),
                      description=description or "", sort_order=sort_order, kind=kind,
                      decimals=decimals)


def create_metric(data: MetricData) -> Metric:
    """A new metric from checked data (flushed, not committed)."""
    metric = Metric()
    _apply(metric, clean_metric_data(data))
    db.session.add(metric)
    db.session.flush()
    return metric


def update_metric(metric: Metric, data: MetricData) -> Metric:
    """Change a metric; its period is fixed once anyone has a figure for it."""
    clean = clean_metric_data(data, existing=metric)
    if clean.period != metric.period and has_results(metric):
        raise DomainError(_l("This metric already has figures, so its period cannot change. "
                             "Archive it and create a new metric instead."), "period")
    _apply(metric, clean)
    db.session.flush()
    return metric


def set_archived(metric: Metric, archived: bool) -> Metric:
    """Archive (hidden from entry forms and templates, history kept) or restore a metric."""
    metric.archived = archived
    db.session.flush()
    return metric


def has_results(metric: Metric) -> bool:
    return db.session.scalar(
        select(MetricResult.id).where(MetricResult.metric_id == metric.id).limit(1)
    ) is not None


def list_metrics(*, include_archived: bool = False, period: str | None = None) -> list[Metric]:
    """Metrics in display order (sort order, then creation)."""
    query = select(Metric).order_by(Metric.archived, Metric.sort_order, Metric.id)
    if not include_archived:
        query = query.where(Metric.archived.is_(False))
    if period is not None:
        query = query.where(Metric.period == period)
    return list(db.session.scalars(query))


def _apply(metric: Metric, data: MetricData) -> None:
    metric.name, metric.unit, metric.period = data.name, data.unit, data.period
    metric.higher_is_better = data.higher_is_better
    metric.description, metric.sort_order = data.description, data.sort_order
    metric.kind, metric.decimals = data.kind, data.decimals
