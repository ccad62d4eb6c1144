"""Results are aggregated by what they measure: counts and amounts add up, ratings and rates
average, and every aggregate is rounded half-up to the metric's precision on pages and in
downloads (满意度评分 of a team scoring ~4.8 is 4.8 分, not 33.1; never 33.09999999999999)."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.results import Metric, MetricResult
from app.services.results import measures
from app.services.results.history import person_history
from app.services.results.metrics import MetricData, create_metric
from app.services.results.periods import period_key, recent_starts
from app.services.results.team import team_summary
from tests.results_helpers import figure, metric, person

TODAY = date(2020, 11, 18)  # before any demo figure
MONTH = recent_starts("monthly", TODAY, 1)[0]
WEEK = recent_starts("weekly", TODAY, 1)[0]
ROOT = Path(__file__).resolve().parents[2]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize(("unit", "kind", "decimals"), [
    ("分", "rating", 1), ("%", "rate", 1), ("％", "rate", 1), ("元", "amount", 2),
    ("人", "count", 0), ("单", "count", 0), ("", "count", 0)])
def test_a_metric_measures_what_its_unit_says_unless_the_admin_says_otherwise(
        app, unit, kind, decimals):
    assert measures.default_for_unit(unit) == (kind, decimals)


def test_the_migration_sets_existing_metrics_as_new_ones_are_set():
    path = next((ROOT / "migrations/versions").glob("*_hire_dates_grace_days_metric_kinds.py"))
    spec = importlib.util.spec_from_file_location("frozen", path)
    frozen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(frozen)
    for unit in ("分", "星", "%", "到院率%", "元", "万元", "人", "次", "单", "", "个"):
        assert frozen._default_for_unit(unit) == measures.default_for_unit(unit), unit


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (4.85, 1, 4.9), (4.75, 1, 4.8), (2.675, 2, 2.68), (33.09999999999999, 1, 33.1),
    (0.1 + 0.2, 2, 0.3), (12.5, 0, 13.0), (4.0, 1, 4.0)])
def test_rounding_is_decimal_half_up(value, decimals, expected):
    assert measures.rounded(value, decimals) == expected
    assert repr(measures.rounded(value, decimals)) == repr(expected)


def test_the_demo_metrics_measure_what_they_say(app, demo):
    kinds = {m.name: (m.kind, m.decimals) for m in db.session.scalars(select(Metric))}
    assert kinds["满意度评分"] == ("rating", 1)
    assert kinds["成交数"] == ("count", 0) and kinds["新增企微好友"] == ("count", 0)


def test_a_teams_rating_is_the_average_and_its_count_the_sum(app, demo):
    score, deals = metric("满意度评分"), metric("成交数")
    for login, value in [("employee", 4.8), ("10009", 4.9), ("supervisor", 4.75),
                         ("10005", 4.7)]:
        figure(score, login, MONTH, value)
    for login, value in [("employee", 3), ("10009", 2), ("supervisor", 2)]:
        figure(deals, login, WEEK, value)
    monthly = team_summary(person("supervisor"), "monthly", MONTH)
    assert monthly.totals[score.id] == 4.8  # (4.8 + 4.9 + 4.75 + 4.7) / 4 = 4.7875
    assert monthly.per_person[score.id] is None
    weekly = team_summary(person("supervisor"), "weekly", WEEK)
    assert weekly.totals[deals.id] == 7 and weekly.per_person[deals.id] == 2.0  # 7 / 3 → 2


def test_the_team_page_shows_the_average_rating(client, auth, demo):
    score = metric("满意度评分")
    for login in ("employee", "10009", "10005", "supervisor", "10007", "10008", "10010"):
        figure(score, login, MONTH, 4.7)
    auth.as_role("supervisor")
    page = client.get(f"/results/team?kind=monthly&period={period_key(MONTH, 'monthly')}")
    total = re.search(rf'data-testid="team-total" data-metric="{score.id}">([^<]*)<', page.text)
    assert total.group(1) == "4.7"  # seven people at 4.7: not 32.9


def test_history_charts_and_figures_follow_the_precision(app, demo):
    rating = create_metric(MetricData(name="服务评分", unit="分", period="weekly"))
    db.session.commit()
    figure(rating, "employee", WEEK, 4.85)
    history = {h.metric.name: h for h in person_history(person("employee").id, TODAY)}
    assert history["服务评分"].series[-1][1] == 4.9
    assert measures.shown(4.85, rating) == "4.9" and measures.shown(12.0) == "12"


def test_the_dashboard_download_averages_ratings_and_writes_clean_numbers(client, auth, demo):
    """The demo has monthly 满意度评分 figures around 4.3–5 for the last months."""
    money = create_metric(MetricData(name="回款金额", unit="元", period="weekly"))
    db.session.commit()
    this_week = recent_starts("weekly", date.today(), 1)[0]
    figure(money, "employee", this_week, 0.1)
    figure(money, "10009", this_week, 0.2)
    auth.as_role("supervisor")
    rows = _csv(client.get("/team/dashboard/export?table=results&format=csv"))
    header, body = rows[0], rows[1:]
    figure_at = header.index("团队数值")
    ratings = [row for row in body if row[0] == "满意度评分" and row[figure_at]]
    assert ratings and all(float(row[figure_at]) <= 5 for row in ratings)
    assert all(re.fullmatch(r"\d(\.\d)?", row[figure_at]) for row in ratings)
    assert {row[header.index("汇总方式")] for row in ratings} == {"人员平均"}
    amounts = [row[figure_at] for row in body if row[0] == "回款金额" and row[figure_at]]
    assert amounts == ["0.3"]  # 0.1 + 0.2, never 0.30000000000000004


def test_the_record_download_rounds_to_the_precision(client, auth, demo):
    rating = create_metric(MetricData(name="服务评分", unit="分", period="weekly",
                                      decimals=1))
    db.session.commit()
    figure(rating, "employee", recent_starts("weekly", date.today(), 1)[0], 4.85)
    auth.login("employee")
    response = client.get("/learn/record/export?table=results&format=csv")
    rows = _csv(response)
    mine = [row for row in rows if row[0] == "服务评分" and row[2]]
    assert [row[2] for row in mine] == ["4.9"]


def test_admins_choose_what_a_metric_measures_and_its_decimals(client, auth, demo):
    auth.as_role("admin")
    response = client.post("/results/metrics", data={
        "name": "到院率", "unit": "", "period": "weekly", "kind": "rate", "decimals": "2",
        "higher_is_better": "y", "sort_order": "0"})
    assert response.status_code == 302
    created = db.session.scalar(select(Metric).where(Metric.name == "到院率"))
    assert (created.kind, created.decimals) == ("rate", 2)
    client.post("/results/metrics", data={"name": "好评分", "unit": "分", "period": "weekly",
                                          "kind": "", "sort_order": "0"})
    by_unit = db.session.scalar(select(Metric).where(Metric.name == "好评分"))
    assert (by_unit.kind, by_unit.decimals) == ("rating", 1)
    page = client.post("/results/metrics", data={"name": "坏精度", "unit": "", "period": "weekly",
                                                 "kind": "count", "decimals": "9",
                                                 "sort_order": "0"})
    assert page.status_code == 200 and "小数位数须在 0 到 4 之间" in page.text
    assert db.session.scalar(select(Metric).where(Metric.name == "坏精度")) is None
    assert db.session.scalar(select(MetricResult).limit(1)) is not None  # the demo's kept
