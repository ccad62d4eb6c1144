"""Periods of a metric: an ISO week (Monday to Sunday) or a calendar month.

A period is stored as its first day (`MetricResult.period_start`). Its key ("2026-W47",
"2026-11") travels in forms and URLs; its label ("2026年第47周 (11/16–11/22)", "2026年11月")
is for people and follows the page's language.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from babel.dates import format_skeleton
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models.results import PERIODS
from app.services.errors import DomainError

WEEK_KEY = re.compile(r"^(\d{4})\s*-?\s*w\s*(\d{1,2})$", re.IGNORECASE)
WEEK_CHINESE = re.compile(r"^(\d{4})\s*年\s*第?\s*(\d{1,2})\s*周$")
MONTH_KEY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
DAY_KEY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def check_kind(kind: str) -> str:
    """`kind` when it is a known period kind (weekly, monthly); DomainError otherwise."""
    if kind not in PERIODS:
        raise DomainError(_l("Choose weekly or monthly."), "period")
    return kind


def period_start(day: date, kind: str) -> date:
    """The first day of the period of `kind` that contains `day`."""
    if check_kind(kind) == "weekly":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_start(start: date, kind: str) -> date:
    """The first day of the period after the one starting on `start`."""
    if kind == "weekly":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def previous_start(start: date, kind: str) -> date:
    """The first day of the period before the one starting on `start`."""
    if kind == "weekly":
        return start - timedelta(days=7)
    return period_start(start - timedelta(days=1), "monthly")


def period_end(start: date, kind: str) -> date:
    """The last day (inclusive) of the period starting on `start`."""
    return next_start(start, kind) - timedelta(days=1)


def recent_starts(kind: str, today: date, count: int) -> list[date]:
    """The first days of the `count` periods ending with the current one, oldest first."""
    starts = [period_start(today, kind)]
    while len(starts) < count:
        starts.append(previous_start(starts[-1], kind))
    return starts[::-1]


def period_key(start: date, kind: str) -> str:
    """"2026-W47" (ISO year and week) or "2026-11": the period in forms and URLs."""
    if kind == "weekly":
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def period_label(start: date, kind: str) -> str:
    """"2026年第47周 (11/16–11/22)" or "2026年11月" in the page's language."""
    if kind == "weekly":
        year, week, _day = start.isocalendar()
        return _("Week %(week)d of %(year)d (%(start)s–%(end)s)", week=week, year=year,
                 start=format_date(start, "MM/dd"), end=format_date(period_end(start, kind),
                                                                     "MM/dd"))
    return format_skeleton("yMMMM", start, locale=get_locale() or "zh_Hans_CN")


def short_label(start: date, kind: str) -> str:
    """A compact label for chart axes: "W47" or "11月" / "Nov"."""
    if kind == "weekly":
        return _("W%(week)d", week=start.isocalendar()[1])
    return format_skeleton("MMM", start, locale=get_locale() or "zh_Hans_CN")


def parse_period(text: str | None, kind: str) -> date:
    """The first day of the period written as "2026-W47", "2026-11" or any date inside it.

    Raises DomainError (field "period") for anything else, or a week for a monthly period
    and a month for a weekly one.
    """
    check_kind(kind)
    value = unicodedata.normalize("NFKC", text or "").strip()
    try:
        if match := WEEK_KEY.match(value) or WEEK_CHINESE.match(value):
            if kind != "weekly":
                raise DomainError(_l("This is a monthly metric: give a month such as "
                                     "2026-11."), "period")
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        if match := DAY_KEY.match(value):
            return period_start(date(int(match[1]), int(match[2]), int(match[3])), kind)
        if match := MONTH_KEY.match(value):
            if kind != "monthly":
                raise DomainError(_l("This is a weekly period: give a week such as 2026-W47 or "
                                     "a date in the week."), "period")
            return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        pass
    raise DomainError(_l("'%(value)s' is not a period: write a week such as 2026-W47, a month "
                         "such as 2026-11, or a date such as 2026-11-18.", value=value[:40]),
                      "period")
