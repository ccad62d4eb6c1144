"""Sending deliveries, in the worker only (app/tasks.py): claim, sign, post, log, retry.

Claiming: one conditional UPDATE per delivery (pending and due, or `sending` by a worker that
crashed more than CLAIM_MINUTES ago → sending, claimed_at = now), committed before the
network call, so two workers racing for the same row send it once. Each try is logged
(status, milliseconds, error truncated); a failure is retried after 1 min, 5 min, 30 min,
2 h and 12 h, then the delivery is `failed` until an administrator replays it (same event
id: receivers drop what they already processed). A paused endpoint's deliveries wait.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, update

from app.extensions import db
from app.models.base import utcnow
from app.models.webhooks import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.services.errors import DomainError
from app.services.webhooks.outbox import NUDGE

log = logging.getLogger("app.webhooks")

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=12))
TIMEOUT = 5.0  # seconds, per try (the worker's, never a user's request)
CLAIM_MINUTES = 10  # a claim older than this belonged to a worker that died
ERROR_LENGTH = 300
USER_AGENT = "SOP-Academy-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the HTTP status, None when no answer came
    error: str  # "" on a 2xx


Post = Callable[[str, bytes, dict[str, str], float], Outcome]


def body_of(delivery: WebhookDelivery) -> bytes:
    """The JSON body: the same bytes on every try (the signature covers them)."""
    event = delivery.event
    return json.dumps({"id": event.public_id, "type": event.type,
                       "created_at": event.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "data": event.payload}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """v1=hex(HMAC-SHA256(secret, "<timestamp>." + body))."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def headers_for(delivery: WebhookDelivery, body: bytes, now: datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
            "X-SOPA-Event": delivery.event.type, "X-SOPA-Event-Id": delivery.event.public_id,
            "X-SOPA-Timestamp": timestamp,
            "X-SOPA-Signature": signature(delivery.endpoint.secret, timestamp, body)}


def http_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST without following redirects; any 2xx is success."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return Outcome(response.status, "")
    except urllib.error.HTTPError as error:
        return Outcome(error.code, f"HTTP {error.code} {error.reason}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(None, f"{type(error).__name__}: {reason}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is reported as it is, never followed


def _due(now: datetime):
    stale = now - timedelta(minutes=CLAIM_MINUTES)
    return or_(and_(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now),
               and_(WebhookDelivery.status == SENDING, WebhookDelivery.claimed_at < stale))


def claim_due(now: datetime, limit: int = 20) -> list[int]:
    """Claim up to `limit` due deliveries of active endpoints; the ids this worker won.
    Flushes only: the caller commits before sending."""
    candidates = db.session.scalars(
        select(WebhookDelivery.id).join(WebhookEndpoint)
        .where(_due(now), WebhookEndpoint.active.is_(True))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)).all()
    return [delivery_id for delivery_id in candidates if db.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, _due(now))
        .values(status=SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1]


@dataclass(frozen=True)
class Try:
    """What one try needs, read before the network call (no transaction stays open while a
    receiver thinks)."""

    delivery_id: int
    claimed_at: datetime
    tries: int
    url: str
    body: bytes
    headers: dict[str, str]


def prepare(delivery_id: int, now: datetime) -> Try:
    """The try of a delivery we claimed: its address, signed body and headers."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    body = body_of(delivery)
    return Try(delivery.id, delivery.claimed_at, delivery.tries, delivery.endpoint.url, body,
               headers_for(delivery, body, now))


def record(job: Try, outcome: Outcome, millis: int, now: datetime) -> str:
    """Log the try and schedule the next one, or finish (delivered, or failed after the last
    retry); only while our claim stands. The delivery's new status. Flushes only."""
    error = outcome.error[:ERROR_LENGTH]
    db.session.add(WebhookAttempt(delivery_id=job.delivery_id, attempted_at=now, error=error,
                                  status_code=outcome.status, duration_ms=millis))
    tries = job.tries + 1
    if outcome.status is not None and 200 <= outcome.status < 300 and not error:
        values = dict(status=DELIVERED, delivered_at=now, last_error="")
    elif tries <= len(BACKOFF):
        values = dict(status=PENDING, next_attempt_at=now + BACKOFF[tries - 1],
                      last_error=error)
    else:
        values = dict(status=FAILED, last_error=error)
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == job.delivery_id, WebhookDelivery.status == SENDING,
               WebhookDelivery.claimed_at == job.claimed_at)
        .values(tries=tries, last_status=outcome.status, claimed_at=None, **values)
        .execution_options(synchronize_session=False))
    db.session.flush()
    return values["status"]


def replay(delivery: WebhookDelivery, now: datetime) -> None:
    """Send the delivery again with the same event id, starting a fresh series of tries
    (its log is kept). Refused while a worker is sending it. Flushes only."""
    replayed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id, WebhookDelivery.status != SENDING)
        .values(status=PENDING, tries=0, next_attempt_at=now, claimed_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if replayed != 1:
        raise DomainError(_l("This delivery is being sent right now; replay it once the try "
                             "has finished."))
    db.session.expire(delivery)
    db.session.info[NUDGE] = True


def deliver_due(commit: Callable[[], None], clock: Callable[[], datetime] = utcnow,
                post: Post = http_post, batch: int = 20, timeout: float = TIMEOUT) -> int:
    """Claim and send every due delivery, `batch` at a time, committing each claim and each
    outcome; the number of tries made. A try that crashes is left claimed (taken up again
    after CLAIM_MINUTES) and the others go on."""
    count = 0
    while ids := claim_due(clock(), batch):
        commit()
        for delivery_id in ids:
            try:
                job = prepare(delivery_id, clock())
                commit()  # ends the read: no transaction is open during the POST
                started = time.monotonic()
                outcome = post(job.url, job.body, job.headers, timeout)
                record(job, outcome, int((time.monotonic() - started) * 1000), clock())
                commit()
                count += 1
            except Exception:  # one broken delivery never stops the others
                db.session.rollback()
                log.exception("webhook delivery %s crashed", delivery_id)
    commit()
    return count
