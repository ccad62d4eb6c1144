"""A person's history and a team's table: right figures, constant statements; the demo's
metrics and figures, seeded again without duplicates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models.results import Metric, MetricResult
from app.services.results.history import entry_sheet, person_history
from app.services.results.periods import recent_starts
from app.services.results.team import team_summary
from tests.helpers import TEST_HASH
from tests.results_helpers import figure, metric, person

TODAY = date(2020, 11, 18)


def test_history_has_the_last_twelve_periods_of_every_metric(app, demo, count_statements):
    deals, score = metric("成交数"), metric("满意度评分")
    weeks = recent_starts("weekly", TODAY, 12)
    figure(deals, "employee", weeks[-1], 3)
    figure(deals, "employee", weeks[0], 1, status="confirmed")
    figure(deals, "employee", date(2020, 1, 6), 9)       # older than twelve weeks: left out
    figure(score, "employee", date(2020, 11, 1), 4.5)
    employee_id = person("employee").id
    with count_statements() as counted:
        histories = person_history(employee_id, TODAY)
    assert counted() <= 2
    by_name = {h.metric.name: h for h in histories}
    assert len(by_name) == 7
    assert by_name["成交数"].series[0][1] == 1.0 and by_name["成交数"].series[-1][1] == 3.0
    assert [v for _label, v in by_name["成交数"].series].count(None) == 10
    assert by_name["满意度评分"].current.value == 4.5 and len(by_name["满意度评分"].points) == 12
    sheet = entry_sheet(histories, "weekly", weeks[-2])
    assert sheet.point.start == weeks[-2] and len(sheet.rows) == 6
    assert entry_sheet(histories, "weekly", date(2019, 1, 7)).point.start == weeks[-1]


def test_team_summary(app, demo, count_statements):
    deals = metric("成交数")
    week = recent_starts("weekly", TODAY, 1)[0]
    figure(deals, "employee", week, 3)
    figure(deals, "10009", week, 2, status="confirmed")
    figure(deals, "10012", week, 7)                      # not in the supervisor's team
    figure(deals, "supervisor", week, 1)                 # his own: not waiting for him
    supervisor = person("supervisor")
    with count_statements() as counted:
        summary = team_summary(supervisor, "weekly", week)
    assert counted() <= 8
    logins = [row.user.login for row in summary.rows]
    assert "10012" not in logins and {"employee", "10009", "supervisor"} <= set(logins)
    assert summary.totals[deals.id] == 6.0 and summary.entered[deals.id] == 3
    assert summary.waiting == 1


def test_demo_results_are_seeded_once(app, demo):
    from app.services.demo import seed_demo

    names = list(db.session.scalars(select(Metric.name).order_by(Metric.sort_order)))
    assert names == ["新增企微好友", "邀约到院", "到院人数", "成交数", "转介绍数", "复购数",
                     "满意度评分"]
    assert db.session.scalar(select(Metric.period).where(Metric.name == "满意度评分")) == \
        "monthly"
    statuses = dict(db.session.execute(select(MetricResult.status, func.count())
                                       .group_by(MetricResult.status)).all())
    assert statuses["entered"] and statuses["confirmed"] and statuses["corrected"]
    before = db.session.scalar(select(func.count(MetricResult.id)))
    seed_demo(TEST_HASH)
    db.session.commit()
    assert db.session.scalar(select(func.count(MetricResult.id))) == before
    assert db.session.scalar(select(func.count(Metric.id))) == 7
