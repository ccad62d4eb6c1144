"""Private-domain results for BI: KPI definitions (metrics) and each person's figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.models.results import PERIODS, RESULT_STATUSES, Metric, MetricResult
from app.services.bi.fields import (
    Key,
    Listing,
    Resource,
    boolean,
    day,
    integer,
    number,
    string,
    timestamp,
)


def _kpis(now: datetime) -> Listing:
    query = select(Metric.id, Metric.name, Metric.unit, Metric.period, Metric.higher_is_better,
                   Metric.description, Metric.sort_order, Metric.archived, Metric.created_at,
                   Metric.updated_at)
    return Listing(query, (Key("updated_at", Metric.updated_at, "time"),
                           Key("id", Metric.id, "int")), Metric.updated_at)


KPIS = Resource(
    name="kpis", scope="kpis", summary="KPI definitions (metrics)",
    description="The private-domain metrics the clinic tracks (新增企微好友, 邀约到院 …), "
                "archived ones included.",
    fields=(integer("id"), string("name"), string("unit"),
            string("period", "weekly: weeks starting Monday; monthly: calendar months.",
                   enum=PERIODS),
            boolean("higher_is_better"), string("description"), integer("sort_order"),
            boolean("archived"), timestamp("created_at"), timestamp("updated_at")),
    listing=_kpis)


def _results(now: datetime) -> Listing:
    query = (select(MetricResult.id, MetricResult.metric_id, Metric.name.label("metric_name"),
                    Metric.period, MetricResult.user_id, MetricResult.period_start,
                    MetricResult.value, MetricResult.entered_value, MetricResult.status,
                    MetricResult.source, MetricResult.confirmed_by_id,
                    MetricResult.confirmed_at, MetricResult.created_at,
                    MetricResult.updated_at)
             .join(Metric, Metric.id == MetricResult.metric_id))
    return Listing(query, (Key("updated_at", MetricResult.updated_at, "time"),
                           Key("id", MetricResult.id, "int")), MetricResult.updated_at)


RESULTS = Resource(
    name="results", scope="results", summary="Results (each person's figures)",
    description="One figure per person, metric and period. `entered_value` is what the "
                "employee first entered when a supervisor corrected it.",
    fields=(integer("id"), integer("metric_id"), string("metric_name"),
            string("period", enum=PERIODS),
            integer("user_id"), day("period_start", "First day of the week or month."),
            number("value"), number("entered_value", nullable=True),
            string("status", enum=RESULT_STATUSES),
            string("source", "self (entered in the app) or import (Excel)."),
            integer("confirmed_by_id", nullable=True), timestamp("confirmed_at", nullable=True),
            timestamp("created_at"), timestamp("updated_at")),
    listing=_results)
