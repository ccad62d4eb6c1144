"""Defining metrics: the rules of each field, unique names, a fixed period once used."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.services.errors import DomainError
from app.services.results.metrics import (
    MetricData,
    create_metric,
    list_metrics,
    set_archived,
    update_metric,
)
from tests.results_helpers import figure, metric


def refused(data: MetricData, existing=None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        if existing is None:
            create_metric(data)
        else:
            update_metric(existing, data)
    db.session.rollback()
    return caught.value


def test_create_keeps_what_was_typed(app):
    created = create_metric(MetricData(name=" 新增企微好友 ", unit="人", period="weekly",
                                       higher_is_better=False, description="说明\r\n第二行",
                                       sort_order=3))
    assert (created.name, created.unit, created.period, created.higher_is_better) == \
        ("新增企微好友", "人", "weekly", False)
    assert created.description == "说明\n第二行"


@pytest.mark.parametrize("data,field", [
    (MetricData(name=""), "name"),
    (MetricData(name="   "), "name"),
    (MetricData(name="x" * 61), "name"),
    (MetricData(name="坏\x07名"), "name"),
    (MetricData(name="=SUM(A1)"), "name"),
    (MetricData(name="-1"), "name"),
    (MetricData(name="登录名"), "name"),
    (MetricData(name="好友", unit="u" * 21), "unit"),
    (MetricData(name="好友", period="daily"), "period"),
    (MetricData(name="好友", description="x" * 501), "description"),
    (MetricData(name="好友", sort_order=10**9), "sort_order"),
])
def test_refused_fields(app, data, field):
    assert refused(data).field == field


def test_names_are_unique_ignoring_case(app):
    create_metric(MetricData(name="NPS"))
    other = create_metric(MetricData(name="复购数"))
    db.session.commit()
    assert refused(MetricData(name="nps")).field == "name"
    assert refused(MetricData(name="NPS"), existing=other).field == "name"
    assert update_metric(other, MetricData(name="复购数", unit="单")).unit == "单"


def test_the_period_is_fixed_once_someone_has_a_figure(app, demo):
    used = metric("单测指标", "次", "weekly")
    update_metric(used, MetricData(name="单测指标", period="monthly"))  # no figures yet: fine
    update_metric(used, MetricData(name="单测指标", period="weekly"))
    figure(used, "employee", date(2020, 11, 16), 3)
    error = refused(MetricData(name="单测指标", period="monthly"), existing=used)
    assert error.field == "period"


def test_archived_metrics_leave_the_lists(app):
    kept = create_metric(MetricData(name="到院人数", sort_order=2))  # no demo: no other metrics
    gone = create_metric(MetricData(name="邀约到院", sort_order=1))
    monthly = create_metric(MetricData(name="满意度评分", period="monthly"))
    set_archived(gone, True)
    assert list_metrics() == [monthly, kept]  # by sort order
    assert list_metrics(period="weekly") == [kept]
    assert list_metrics(include_archived=True) == [monthly, kept, gone]
    set_archived(gone, False)
    assert list_metrics(period="weekly") == [gone, kept]
