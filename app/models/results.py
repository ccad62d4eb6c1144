"""Private-domain results (私域成果): the metrics a clinic tracks and each person's figures.

An admin defines a metric (新增企微好友, 邀约到院 …) with its unit, its period (a week starting
Monday, or a calendar month) and whether higher is better. One figure per person, metric and
period: the employee enters it, a supervisor confirms or corrects it (the first value stays in
`entered_value`), or an admin imports a whole period from Excel (confirmed on import).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime

PERIODS = ("weekly", "monthly")
RESULT_STATUSES = ("entered", "confirmed", "corrected")


class Metric(TimestampMixin, db.Model):
    __tablename__ = "metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    period: Mapped[str] = mapped_column(String(10), default="weekly")
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    # what it measures (app/services/results/measures.py): count and amount add up over people
    # and periods, rating and rate average; `decimals`: shown and exported to that precision
    kind: Mapped[str] = mapped_column(String(10), default="count")
    decimals: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)


class MetricResult(TimestampMixin, db.Model):
    __tablename__ = "metric_results"
    __table_args__ = (UniqueConstraint("metric_id", "user_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metrics.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[float]
    entered_value: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(10), default="entered")
    source: Mapped[str] = mapped_column(String(10), default="self")  # self | import
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    metric: Mapped[Metric] = relationship()
