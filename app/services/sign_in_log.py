"""The sign-in audit log for administrators: filtered newest first, exported, pruned; and
sign-outs (see app.services.sign_in for the attempts themselves).

Retention: rows are kept until `flask --app wsgi signins prune --days N` deletes those older
than N days (run it from cron; docs/security-signin.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import User
from app.models.sign_ins import SignInEvent, SignInThrottle
from app.services.exports import stream_rows
from app.services.sign_in import LEVEL_MEMORY, Client, log
from app.services.validation import like_contains

OUTCOME_LABELS = {
    "success": _l("Signed in"),
    "wrong_password": _l("Wrong password"),
    "unknown_account": _l("Unknown account"),
    "deactivated": _l("Deactivated account"),
    "locked": _l("Refused: locked"),
    "signed_out": _l("Signed out"),
}
METHOD_LABELS = {"wecom": _l("WeCom"), "dingtalk": _l("DingTalk")}  # besides the password
EXPORT_HEADERS = (_l("Time"), _l("Employee number typed"), _l("Account"), _l("Name"),
                  _l("Outcome"), _l("Address"), _l("Browser"))


@dataclass(frozen=True)
class LogFilters:
    account: str = ""             # part of the typed 工号, or of the account's 工号 or name
    outcome: str = ""             # one of OUTCOME_LABELS, or "" for all
    date_from: date | None = None  # days where the clinic is (`zone`), both included
    date_to: date | None = None


def _day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def log_query(filters: LogFilters, zone: str) -> Select:
    """SignInEvent rows (with their account loaded), newest first."""
    query = (select(SignInEvent).outerjoin(User, User.id == SignInEvent.user_id)
             .options(contains_eager(SignInEvent.user)))
    if text := filters.account.strip():
        like = like_contains(text)
        query = query.where(or_(SignInEvent.login.ilike(like, escape="\\"),
                                User.login.ilike(like, escape="\\"),
                                User.name.ilike(like, escape="\\")))
    if filters.outcome in OUTCOME_LABELS:
        query = query.where(SignInEvent.outcome == filters.outcome)
    if filters.date_from is not None:
        query = query.where(SignInEvent.created_at >= _day_start(filters.date_from, zone))
    if filters.date_to is not None:
        query = query.where(SignInEvent.created_at < _day_start(
            filters.date_to + timedelta(days=1), zone))
    return query.order_by(SignInEvent.created_at.desc(), SignInEvent.id.desc())


def export_rows(filters: LogFilters, zone: str) -> Iterator[tuple]:
    """The filtered log as table rows (EXPORT_HEADERS), streamed."""
    for (event,) in stream_rows(log_query(filters, zone)):
        account = event.user
        yield (event.created_at, event.login, account.login if account else "",
               account.name if account else "",
               _outcome_text(event), event.address,
               event.user_agent)


def _outcome_text(event: SignInEvent) -> str:
    text = str(OUTCOME_LABELS.get(event.outcome, event.outcome))
    method = METHOD_LABELS.get(event.method)
    return str(_l("%(label)s (%(detail)s)", label=text, detail=method)) if method else text


def record_sign_out(user: User, client: Client, now: datetime) -> None:
    log(user.login, user, client, "signed_out", now)


def prune(now: datetime, days: int) -> tuple[int, int]:
    """Delete log rows older than `days` days, and the failure counters nobody touched for a
    day and that hold no lock (their level is forgotten by then anyway). (events, counters)."""
    events = db.session.execute(delete(SignInEvent).where(
        SignInEvent.created_at < now - timedelta(days=days))).rowcount
    idle = now - LEVEL_MEMORY
    counters = db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.updated_at < idle,
        or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < idle))).rowcount
    return events, counters
