"""Outbound webhooks (docs/webhooks.md).

Code that changes something calls `emit(event, data)` (outbox.py): it only adds an event row
and one delivery row per subscribed endpoint to the caller's transaction, so a change rolled
back sends nothing. After the commit the task queue is nudged (app/tasks.py); the worker
(`flask --app wsgi worker`) claims due deliveries, signs and posts them (delivery.py), and
retries failures with backoff. Event types and their payloads: events.py.
"""

from app.services.webhooks import feature_events  # noqa: F401  (subscribes its listeners)
from app.services.webhooks.outbox import emit, subscribed, user_synced

__all__ = ["emit", "subscribed", "user_synced"]
