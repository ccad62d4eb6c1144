"""What the results views share: today's date where the clinic is, periods from the URL."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from app.models.results import PERIODS
from app.services.errors import DomainError
from app.services.results.periods import parse_period, period_start, previous_start


def local_today() -> date:
    """Today in the clinic's time zone (a week starts on Monday there, not in UTC)."""
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai"
    return datetime.now(ZoneInfo(zone)).date()


def kind_arg(value: str | None) -> str:
    """weekly or monthly; weekly for anything else."""
    return value if value in PERIODS else "weekly"


def start_arg(value: str | None, kind: str, today: date, default: date | None = None) -> date:
    """The period written in the URL or form when it is not in the future; else `default`
    (the current period when not given)."""
    current = period_start(today, kind)
    default = default or current
    try:
        start = parse_period(value, kind) if value else default
    except DomainError:
        return default
    return start if start <= current else default


def last_finished(kind: str, today: date) -> date:
    """The period just before the current one: what a supervisor usually reviews."""
    return previous_start(period_start(today, kind), kind)
