"""`flask reminders send`: the daily reminder run through every registered channel (in-app,
WeCom group robot, email — see app.services.assign.channels).

Idempotent per day: in-app notices have keys; every outside message has a delivery key
(channel + "YYYYMMDD:dept:<id>:<part>" or "YYYYMMDD:user:<id>", China-time day) — a key
already sent is skipped, a failed one is tried again by the next run. After each message
the caller's `commit` runs, so a crash later in the run never sends it twice. A dry run
sends nothing and calls no commit; the caller rolls the session back. Certificates 30 and
7 days before they expire are listed too, each reminder once (app.services.certificate_expiry).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment
from app.services.assign import channels
from app.services.assign.channels.base import ChannelReport, OwedItem, RunContext
from app.services.assign.channels.text import zone
from app.services.assign.status import status_query
from app.services.certificate_expiry import reminders_due
from app.services.items import join_titles
from app.services.org import department_paths
from app.services.webhooks import emit

log = logging.getLogger("app.reminders")
OPEN = ("not_started", "in_progress", "overdue")


@dataclass
class ReminderReport:
    day: str
    dry_run: bool
    channels: list[ChannelReport] = field(default_factory=list)

    @property
    def internal_errors(self) -> list[str]:
        return [f"{c.name}: {c.error}" for c in self.channels if c.error]

    def as_dict(self) -> dict:
        return {"day": self.day, "dry_run": self.dry_run,
                "channels": {c.name: c.as_dict() for c in self.channels},
                "errors": self.internal_errors}


def send_reminders(now: datetime, *, dry_run: bool, settings: Mapping,
                   commit: Callable[[], None] | None = None) -> ReminderReport:
    """Run every channel for the day of `now`; a channel that crashes is reported (its work
    rolled back) and the others still run. `settings` is the app's configuration (the
    command passes it): REMINDER_DUE_SOON_DAYS, the time zone and each channel's own."""
    days = int(settings["REMINDER_DUE_SOON_DAYS"])
    day = now.astimezone(zone(settings)).strftime("%Y%m%d")
    no_commit: Callable[[], None] = lambda: None  # noqa: E731
    owed = owed_items(now, days) + expiring_items(now, day, dry_run)
    ctx = RunContext(now=now, day=day, dry_run=dry_run, settings=settings,
                     owed=owed, department_names=department_paths(),
                     commit=no_commit if dry_run or commit is None else commit)
    report = ReminderReport(day=day, dry_run=dry_run)
    for name, channel in channels.CHANNELS.items():
        try:
            report.channels.append(channel.run(ctx))
        except Exception as exc:  # one channel failing never stops the others
            db.session.rollback()
            log.exception("reminder channel %s stopped", name)
            report.channels.append(ChannelReport(name, error=f"{type(exc).__name__}: {exc}"))
    if not dry_run:
        emit_overdue(ctx.owed, now)
    return report


def emit_overdue(owed: list[OwedItem], now: datetime) -> None:
    """The `assignment.overdue` webhook, once per person, assignment and due date (a new
    deadline that passes again is a new event). The caller commits."""
    for item in owed:
        if item.overdue:
            emit("assignment.overdue", {
                "assignment_id": item.assignment_id, "kind": item.kind, "title": item.title,
                "user_id": item.user_id, "user_login": item.login,
                "required": item.required, "due_at": item.due_at}, now=now,
                dedupe_key=f"assignment.overdue:{item.assignment_id}:{item.user_id}:"
                           f"{int(item.due_at.timestamp())}")


def owed_items(now: datetime, days: int) -> list[OwedItem]:
    """Every open item with a due date that is past or within `days` days (one statement)."""
    status = status_query(now, Assignment.starts_at <= now).subquery("owed_status")
    query, title = join_titles(
        select(status.c.user_id, status.c.assignment_id, status.c.status, status.c.due_at,
               User.name, User.login, User.email, User.locale, User.department_id,
               Assignment.kind, Assignment.required)
        .select_from(status)
        .join(User, User.id == status.c.user_id)
        .join(Assignment, Assignment.id == status.c.assignment_id), Assignment, "")
    rows = db.session.execute(
        query.add_columns(title.label("title"))
        .where(status.c.status.in_(OPEN), status.c.due_at.is_not(None)))
    horizon = now + timedelta(days=days)
    return [OwedItem(user_id=r.user_id, user_name=r.name, email=r.email, locale=r.locale,
                     department_id=r.department_id, assignment_id=r.assignment_id,
                     kind=r.kind, title=r.title, due_at=r.due_at,
                     overdue=r.status == "overdue", required=r.required, login=r.login)
            for r in rows if r.status == "overdue" or r.due_at <= horizon]


def expiring_items(now: datetime, day: str, dry_run: bool) -> list[OwedItem]:
    """Certificates whose 30- or 7-day expiry reminder is due today (claimed unless a dry
    run: app.services.certificate_expiry), as items the channels list."""
    return [OwedItem(user_id=e.user_id, user_name=e.user_name, email=e.email, locale=e.locale,
                     department_id=e.department_id, assignment_id=0, kind=e.kind,
                     title=e.title, due_at=e.expires_at, overdue=False, required=True,
                     certificate_id=e.certificate_id)
            for e in reminders_due(now, day, claim=not dry_run)]
