"""Demo metrics and a few periods of plausible figures for the demo staff (idempotent).

Past weeks are confirmed by the person's supervisor (or the admin), the last finished week
and month still wait for confirmation, and the current period is left for people to enter.
"""

from __future__ import annotations

import zlib
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.results import Metric, MetricResult
from app.services.results.measures import default_for_unit
from app.services.results.periods import recent_starts

# name, unit, period, description
METRICS = [
    ("新增企微好友", "人", "weekly", "本周新添加到企业微信的客户人数。"),
    ("邀约到院", "次", "weekly", "本周成功邀约客户到院（面诊、复查、活动）的次数。"),
    ("到院人数", "人", "weekly", "本周实际到院的受邀客户人数。"),
    ("成交数", "单", "weekly", "本周成交的订单数。"),
    ("转介绍数", "人", "weekly", "老客户本周介绍来的新客户人数。"),
    ("复购数", "单", "weekly", "老客户本周再次消费的订单数。"),
    ("满意度评分", "分", "monthly", "当月回访满意度调查的平均分（5 分制）。"),
]
# position → typical weekly figures, in the order of METRICS (without 满意度评分)
TYPICAL = {
    "客服": (45, 14, 9, 3, 1, 1), "前台": (12, 6, 10, 2, 1, 2), "咨询师": (15, 10, 8, 5, 2, 3),
    "医生助理": (20, 6, 6, 2, 2, 2), "护士": (10, 3, 4, 1, 1, 1), "医生": (6, 4, 6, 4, 2, 2),
    "会员专员": (18, 8, 6, 2, 3, 4), "运营": (25, 5, 3, 1, 1, 1),
}
WEEKS, MONTHS = 5, 3  # periods before the current one


def seed_demo_results(today: date) -> None:
    """Create the demo metrics and figures that are missing; never change existing ones."""
    metrics = [_metric(order, *row) for order, row in enumerate(METRICS)]
    people = db.session.scalars(select(User).where(User.login.in_(_demo_logins()))).all()
    existing = set(db.session.execute(select(
        MetricResult.metric_id, MetricResult.user_id, MetricResult.period_start)).all())
    confirmer = {u.login: u.id for u in db.session.scalars(
        select(User).where(User.login.in_(["supervisor", "admin"])))}
    confirmer.update({login: confirmer[boss] for login, boss in _supervisors().items()})
    for metric in metrics:
        count = WEEKS if metric.period == "weekly" else MONTHS
        starts = recent_starts(metric.period, today, count + 1)[:-1]
        for person in people:
            for age, start in enumerate(reversed(starts)):  # age 0: the last finished period
                if (metric.id, person.id, start) not in existing:
                    db.session.add(_figure(metric, person, start, age, confirmer))
    db.session.flush()


def _demo_logins() -> list[str]:
    from app.services.demo import USERS

    return [login for login, *_rest in USERS if login != "admin"]


def _supervisors() -> dict[str, str]:
    """login → the login of who confirms their figures: the demo supervisor for the
    departments they lead, the admin for everyone else (and for the supervisor)."""
    from app.services.demo import USERS

    led = next(leads for login, *_r, leads in USERS if login == "supervisor")
    return {login: "supervisor" if login != "supervisor" and dept.split("/")[0] in led
            else "admin" for login, _name, dept, *_rest in USERS}


def _metric(order: int, name: str, unit: str, period: str, description: str) -> Metric:
    metric = db.session.scalar(select(Metric).where(Metric.name == name))
    if metric is None:
        kind, decimals = default_for_unit(unit)
        metric = Metric(name=name, unit=unit, period=period, higher_is_better=True,
                        description=description, sort_order=order, kind=kind,
                        decimals=decimals)
        db.session.add(metric)
        db.session.flush()
    return metric


def _figure(metric: Metric, person: User, start: date, age: int,
            confirmer: dict[str, int]) -> MetricResult:
    wobble = zlib.crc32(f"{metric.name}{person.login}{start}".encode()) % 100  # stable
    if metric.period == "monthly":
        value = round(4.3 + wobble / 150, 1)
    else:
        typical = TYPICAL.get(person.position.name if person.position else "", (10,) * 6)
        base = typical[[m[0] for m in METRICS].index(metric.name)]
        value = float(max(0, round(base * (0.7 + wobble / 165))))
    result = MetricResult(metric_id=metric.id, user_id=person.id, period_start=start,
                          value=value, status="entered", source="self",
                          entered_by_id=person.id, note="")
    if age > 0:
        result.status, result.confirmed_at = "confirmed", utcnow()
        result.confirmed_by_id = confirmer[person.login]
    if age == 1 and person.login == "employee" and metric.name == "成交数":
        result.entered_value, result.value = value, value + 1
        result.status, result.note = "corrected", "已按系统订单核对：实际成交多 1 单。"
    return result
