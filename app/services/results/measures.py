"""What a metric measures, and therefore how its figures combine and how they are shown.

A metric's `kind` says what one figure is: a count (新增企微好友 12 人) or an amount of money
add up over people and periods; a rating (满意度评分 4.8 分) or a rate/percentage (到院率 35%)
average. `decimals` is the precision figures and aggregates are shown and exported with,
rounded half-up (never binary float noise such as 33.09999999999999).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

SUM, AVERAGE = "sum", "average"
MAX_DECIMALS = 4


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    aggregation: str  # SUM or AVERAGE
    decimals: int  # the default precision for a new metric of this kind


MEASURES = {m.key: m for m in (
    Measure("count", _l("Count (adds up)"), SUM, 0),
    Measure("amount", _l("Amount of money (adds up)"), SUM, 2),
    Measure("rating", _l("Rating or score (averages)"), AVERAGE, 1),
    Measure("rate", _l("Rate or percentage (averages)"), AVERAGE, 1),
)}
# unit as people type it → kind (the migration f1a2b3c4d5e6 keeps a frozen copy)
KIND_BY_UNIT = (
    ("rating", ("分", "星", "points", "score")),
    ("rate", ("%", "％", "百分比", "率")),
    ("amount", ("元", "万元", "千元", "¥", "￥", "rmb", "yuan", "cny")),
)


def measure(metric) -> Measure:
    return MEASURES.get(metric.kind, MEASURES["count"])


def adds_up(metric) -> bool:
    return measure(metric).aggregation == SUM


def default_for_unit(unit: str | None) -> tuple[str, int]:
    """(kind, decimals) a metric with this unit most likely measures."""
    text = (unit or "").strip().lower()
    for kind, units in KIND_BY_UNIT:
        if text in units or (kind == "rate" and text.endswith(("%", "％"))):
            return kind, MEASURES[kind].decimals
    return "count", MEASURES["count"].decimals


def rounded(value: float | Decimal | None, decimals: int) -> float | None:
    """`value` rounded half-up to `decimals` places (4.85 → 4.9, not 4.8), as a float whose
    shortest form is the rounded number (33.1, never 33.09999999999999)."""
    if value is None:
        return None
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)) + 0.0


def combine(metric, total: float | None, count: int) -> float | None:
    """The aggregate of `count` figures summing to `total`: the sum, or their average —
    rounded to the metric's precision; None when there are none."""
    if not count or total is None:
        return None
    value = total if adds_up(metric) else total / count
    return rounded(value, metric.decimals)


def per_person(metric, total: float | None, count: int) -> float | None:
    """For metrics that add up: the average per person who entered a figure (None else)."""
    if not count or total is None or not adds_up(metric):
        return None
    return rounded(total / count, metric.decimals)


def shown(value: float | None, metric=None) -> str:
    """A figure for a page: rounded to the metric's precision, trailing zeros dropped
    (12.0 → "12", 4.85 → "4.9"); "—" for None."""
    if value is None:
        return "—"
    if metric is not None:
        value = rounded(value, metric.decimals)
    text = f"{Decimal(repr(float(value))):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
