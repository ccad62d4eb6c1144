"""Helpers of the results tests: metrics, figures and Excel files built in a few lines."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.results import Metric, MetricResult
from app.services.results.metrics import MetricData, create_metric


def person(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def metric(name: str = "成交数", unit: str = "单", period: str = "weekly") -> Metric:
    """A metric, created when missing (the demo organisation already has seven)."""
    found = db.session.scalar(select(Metric).where(Metric.name == name))
    if found is None:
        found = create_metric(MetricData(name=name, unit=unit, period=period))
        db.session.commit()
    return found


def figure(metric_: Metric, login: str, start: date, value: float,
           status: str = "entered") -> MetricResult:
    result = MetricResult(metric_id=metric_.id, user_id=person(login).id, period_start=start,
                          value=value, status=status, source="self",
                          entered_by_id=person(login).id, note="")
    db.session.add(result)
    db.session.commit()
    return result


def result_of(metric_: Metric, login: str, start: date) -> MetricResult | None:
    return db.session.scalar(select(MetricResult).where(
        MetricResult.metric_id == metric_.id, MetricResult.user_id == person(login).id,
        MetricResult.period_start == start))


def count_results() -> int:
    return db.session.scalar(select(func.count(MetricResult.id)))


def results_xlsx(header: list, rows: list[list], *, formulas: dict | None = None) -> bytes:
    """A workbook whose first sheet holds `header` and `rows`; `formulas` maps (row, column)
    (1-based, as in Excel) to a formula written into that cell."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for (row, column), formula in (formulas or {}).items():
        sheet.cell(row=row, column=column, value=formula)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
