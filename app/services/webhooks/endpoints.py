"""Registering webhook endpoints (admins only, MANAGE_ORG): create (the signing secret is
returned once), pause or resume, delete; URL rules; the secret as the list shows it.

Intranet addresses (192.168.x.x, clinic-erp.local) are allowed on purpose: the systems that
receive these events usually sit on the clinic's own network. Only an administrator can add
an endpoint, and a delivery carries nothing but the event.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User
from app.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.services.errors import DomainError
from app.services.validation import clean_text
from app.services.webhooks.events import EVENT_TYPES
from app.services.webhooks.outbox import forget_endpoints

MAX_URL = 500
SECRET_PREFIX = "whsec_"


def check_url(text: str | None) -> str:
    """The URL as stored, or DomainError (field "url") saying what is wrong with it."""
    url = (text or "").strip()
    if not url:
        raise DomainError(_l("Enter the address that receives the events."), "url")
    if len(url) > MAX_URL:
        raise DomainError(_l("The address is too long (%(max)d characters at most).",
                             max=MAX_URL), "url")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise DomainError(_l("The address must not contain spaces or control characters."),
                          "url")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise DomainError(_l("Only http:// and https:// addresses can receive webhooks."), "url")
    if parts.username is not None or parts.password is not None:
        raise DomainError(_l("Do not put a user name or password in the address: receivers "
                             "check the signature made with the signing secret instead."), "url")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1:
        raise DomainError(_l("The address has no valid host name or port."), "url")
    if parts.fragment:
        raise DomainError(_l("The address must not contain a “#” part."), "url")
    return url


def check_events(events: list[str] | None) -> list[str]:
    chosen = [event for event in EVENT_TYPES if event in set(events or [])]
    if not chosen:
        raise DomainError(_l("Choose at least one event."), "events")
    return chosen


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(24)


def masked(secret: str) -> str:
    """How the list shows a secret after it was shown once: whsec_••••••ab12."""
    return SECRET_PREFIX + "••••••" + secret[-4:]


def list_endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def create_endpoint(actor: User, url: str | None, events: list[str] | None,
                    description: str | None, now: datetime) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret (shown to the admin this once). Flushes."""
    endpoint = WebhookEndpoint(
        url=check_url(url), events=check_events(events), secret=new_secret(),
        description=clean_text(description, field="description", label=_l("Description"),
                               max_length=200, required=False) or "", active=True,
        created_by_id=actor.id, created_at=now)
    db.session.add(endpoint)
    db.session.flush()
    forget_endpoints()
    return endpoint, endpoint.secret


def set_active(endpoint: WebhookEndpoint, active: bool) -> None:
    """Pause (its deliveries wait) or resume (they go out again)."""
    endpoint.active = active
    db.session.flush()
    forget_endpoints()


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """The endpoint, its deliveries and their log; the events stay for other endpoints."""
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.flush()
    forget_endpoints()


def recent_deliveries(limit: int = 50) -> list[WebhookDelivery]:
    """The latest deliveries with their event and endpoint (one statement)."""
    return list(db.session.scalars(
        select(WebhookDelivery)
        .options(joinedload(WebhookDelivery.event), joinedload(WebhookDelivery.endpoint))
        .order_by(WebhookDelivery.id.desc()).limit(limit)))


def attempts_of(delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    """Each delivery's tries, newest first (one statement)."""
    found: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
    if delivery_ids:
        for attempt in db.session.scalars(
                select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids))
                .order_by(WebhookAttempt.id.desc())):
            found[attempt.delivery_id].append(attempt)
    return found
