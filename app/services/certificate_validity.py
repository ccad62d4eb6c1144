"""How long a certificate is valid and what state it is in (pure: no database).

An item (course, learning path, SOP module — the kinds the registry marks `renewable`) may
set `validity_months`; a certificate copies its end of validity when issued or renewed, so a
later change of the item never rewrites an issued certificate. States:
valid (有效), expiring (即将到期: within SOON_DAYS), expired (已过期), permanent (no end).
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

SOON_DAYS = 30  # "expiring" from this many days before the end
REMINDER_DAYS = (30, 7)  # reminders this many days before the end, largest first
MAX_MONTHS = 120


class Validity(StrEnum):
    PERMANENT = "permanent"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"


LABELS = {Validity.PERMANENT: _l("Valid"), Validity.VALID: _l("Valid"),
          Validity.EXPIRING: _l("Expiring soon"), Validity.EXPIRED: _l("Expired")}


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months (31 Jan + 1 → 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry_of(start: datetime, months: int | None) -> datetime | None:
    return add_months(start, months) if months else None


def validity_of(expires_at: datetime | None, now: datetime) -> Validity:
    if expires_at is None:
        return Validity.PERMANENT
    if expires_at <= now:
        return Validity.EXPIRED
    if expires_at <= now + timedelta(days=SOON_DAYS):
        return Validity.EXPIRING
    return Validity.VALID


def reminder_due(expires_at: datetime | None, now: datetime) -> int | None:
    """The smallest reminder threshold (30 or 7 days) the certificate has reached, if any,
    while it is still valid."""
    if expires_at is None or expires_at <= now:
        return None
    reached = [days for days in REMINDER_DAYS if expires_at <= now + timedelta(days=days)]
    return min(reached) if reached else None


def check_recert_days(value: int | None, field: str = "recert_days") -> int | None:
    """Blank → the setting's default; otherwise 1 to 365 days."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 365:
        raise DomainError(_l("Days to re-certify are 1 to 365, or blank for the default."),
                          field)
    return value


def apply_validity(item, months: int | None, recert_days: int | None) -> None:
    """Check and set an item's validity (any kind the registry marks renewable)."""
    item.validity_months = check_months(months)
    item.recert_days = check_recert_days(recert_days)


def check_months(value: int | None, field: str = "validity_months") -> int | None:
    """Blank → never expires; otherwise 1 to MAX_MONTHS (raises DomainError)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MONTHS:
        raise DomainError(_l("Validity is 1 to %(max)d months, or blank for no expiry.",
                             max=MAX_MONTHS), field)
    return value
