"""Claiming an outside message before sending it, so two reminder runs at once (two app
servers' cron, or a slow run and the next) send it once.

A run claims a delivery row — created if absent, then one conditional UPDATE: only a row
still `pending` or `failed`, or `claimed` by a run that started sending more than
REMINDER_CLAIM_MINUTES ago and never finished (it crashed), can be taken — and commits the
claim before the network call. Afterwards it marks the row `sent` or `failed`, if its claim
still stands. The other run finds the row claimed (or sent) and leaves it alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.assignments import ReminderDelivery

TAKEN = "taken"  # we have it: send now
SENT = "sent"  # another run sent it meanwhile
BUSY = "busy"  # another run is sending it right now


def claim(channel: str, key: str, now: datetime, stale_minutes: int) -> str:
    """TAKEN, SENT or BUSY. Flushes only: the caller commits before sending."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(ReminderDelivery).values(
        channel=channel, key=key, status="pending", tries=0, last_error="", updated_at=now)
        .on_conflict_do_nothing(index_elements=["channel", "key"]))
    stale = now - timedelta(minutes=stale_minutes)
    taken = db.session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.channel == channel, ReminderDelivery.key == key,
               or_(ReminderDelivery.status.in_(("pending", "failed")),
                   and_(ReminderDelivery.status == "claimed",
                        ReminderDelivery.claimed_at < stale)))
        .values(status="claimed", claimed_at=now, tries=ReminderDelivery.tries + 1,
                updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if taken:
        return TAKEN
    status = db.session.scalar(select(ReminderDelivery.status).where(
        ReminderDelivery.channel == channel, ReminderDelivery.key == key))
    return SENT if status == "sent" else BUSY


def finish(channel: str, key: str, claimed_at: datetime, now: datetime, *,
           error: str | None) -> int:
    """Mark our claim `sent` (error None) or `failed`; the rows changed (0: our claim had
    expired and another run took it over — its outcome stands). Flushes only."""
    values = ({"status": "sent", "sent_at": now, "last_error": ""} if error is None
              else {"status": "failed", "last_error": error})
    return db.session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.channel == channel, ReminderDelivery.key == key,
               ReminderDelivery.status == "claimed", ReminderDelivery.claimed_at == claimed_at)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount


def tries(channel: str, key: str) -> int:
    return db.session.scalar(select(ReminderDelivery.tries).where(
        ReminderDelivery.channel == channel, ReminderDelivery.key == key)) or 0
