"""The one place where certificate validity events are emitted, for code that wants to act
on them later (webhooks, say): `subscribe(listener)` and every event reaches
`listener(event, certificate, now)`. Listeners run inside the caller's unit of work (they
must not commit) and an exception in one is logged, never stops the run.

Events: EXPIRING (a 30- or 7-day reminder was claimed today; `days` given), EXPIRED (the
expiry was claimed and the re-certification assignment created — exactly once per lapse),
RENEWED (the re-certification was completed and the certificate runs again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger("app.certificates")

EXPIRING = "certificate.expiring"
EXPIRED = "certificate.expired"
RENEWED = "certificate.renewed"

Listener = Callable[..., None]
LISTENERS: list[Listener] = []


def subscribe(listener: Listener) -> Listener:
    if listener not in LISTENERS:
        LISTENERS.append(listener)
    return listener


def unsubscribe(listener: Listener) -> None:
    if listener in LISTENERS:
        LISTENERS.remove(listener)


def emit(event: str, certificate, now: datetime, **details) -> None:
    for listener in list(LISTENERS):
        try:
            listener(event, certificate, now, **details)
        except Exception:  # a listener failing never stops the expiry run
            log.exception("certificate event listener %r failed on %s", listener, event)
