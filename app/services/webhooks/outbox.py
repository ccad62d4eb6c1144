"""`emit(event, data)`: the one entry point for every feature that has something to tell
outside systems. It writes, in the caller's transaction (flush only, never a commit):

- nothing at all when no active endpoint subscribes to the event (the usual case);
- else one `WebhookEvent` (its public id `evt_…` is the receiver's idempotency key) and one
  pending `WebhookDelivery` per subscribed endpoint.

A change rolled back takes its event with it: nothing is sent. After the commit the queue is
nudged (app/tasks.py watches `session.info[NUDGE]`) so the worker sends it within seconds;
the worker's once-a-minute sweep sends it anyway if the nudge was lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.base import utcnow
from app.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.services.webhooks.events import EVENTS

NUDGE = "webhooks_nudge"  # session.info: deliveries were written in this transaction
ENDPOINTS = "webhooks_endpoints"  # session.info: the active endpoints, read once a transaction


def emit(event: str, data: dict[str, Any] | Callable[[], dict[str, Any]], *,
         now: datetime | None = None, dedupe_key: str | None = None) -> WebhookEvent | None:
    """Queue `event` with payload `data` (datetimes become ISO 8601 UTC) for every active
    endpoint subscribed to it; the event, or None when nobody listens or `dedupe_key` was
    emitted before (the event is then emitted once, ever). `data` may be a function: it is
    called only when someone listens (no query for a payload nobody receives)."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoint_ids = [e_id for e_id, events in _endpoints() if event in events]
    if not endpoint_ids:
        return None
    now = now or utcnow()
    values = {"public_id": "evt_" + secrets.token_hex(16), "type": event,
              "payload": jsonable(data() if callable(data) else data),
              "dedupe_key": dedupe_key, "created_at": now}
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    event_id = db.session.scalar(insert(WebhookEvent).values(**values)
                                 .on_conflict_do_nothing().returning(WebhookEvent.id))
    if event_id is None:
        return None
    db.session.add_all([WebhookDelivery(event_id=event_id, endpoint_id=endpoint_id,
                                        next_attempt_at=now, created_at=now)
                        for endpoint_id in endpoint_ids])
    db.session.flush()
    db.session.info[NUDGE] = True
    return db.session.get(WebhookEvent, event_id)


def subscribed(event: str) -> bool:
    """Whether an active endpoint listens to `event` (a batch may prepare its payloads)."""
    return any(event in events for _id, events in _endpoints())


def _endpoints() -> list[tuple[int, list[str]]]:
    """(id, events) of the active endpoints, read once per transaction (a reminder run may
    emit a thousand events)."""
    cached = db.session.info.get(ENDPOINTS)
    if cached is None:
        cached = [(row.id, list(row.events or [])) for row in db.session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.events)
            .where(WebhookEndpoint.active.is_(True)))]
        db.session.info[ENDPOINTS] = cached
    return cached


def any_active():
    """EXISTS (an active endpoint): a column another statement may carry, saving the read of
    the endpoints when it is false (`none_active`)."""
    return exists().where(WebhookEndpoint.active.is_(True))


def none_active() -> None:
    """A statement of this transaction found no active endpoint (`any_active`): `emit` reads
    and writes nothing until the transaction ends (the usual case)."""
    db.session.info.setdefault(ENDPOINTS, [])


def forget_endpoints() -> None:
    """After an endpoint changed (and at every commit or rollback): read them again."""
    db.session.info.pop(ENDPOINTS, None)


def jsonable(value: Any) -> Any:
    """`value` with datetimes as 2026-03-01T09:30:00Z and dates as 2026-03-01."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # naive: stored UTC
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value



def user_synced(user, change: str, source: str) -> None:
    """The `user.synced` event of an account the directory sync or a roster import created
    (`change` "created"), changed ("updated") or deactivated ("deactivated")."""
    emit("user.synced", lambda: {
        "user_id": user.id, "login": user.login, "name": user.name, "active": user.active,
        "department_id": user.department_id, "position_id": user.position_id,
        "change": change, "source": source})
