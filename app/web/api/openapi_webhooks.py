"""The webhook events in the BI API's OpenAPI document, under `x-webhooks` (OpenAPI 3.1's
`webhooks`, as tools such as Redoc read it from a 3.0 document): per event type, the POST a
receiver gets — headers, and the JSON envelope with the event's payload schema and example.
Built from app/services/webhooks/events.py, like docs/webhooks.md."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import force_locale

from app.services.webhooks.events import EVENTS, envelope_example

_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

HEADERS = {
    "X-SOPA-Event": "The event type, as in the body's `type`.",
    "X-SOPA-Event-Id": "The event id (`evt_…`), as in the body's `id`: the same on every "
                       "retry and replay. Process each id once.",
    "X-SOPA-Timestamp": "Unix seconds when this try was signed. Refuse old ones (> 5 min).",
    "X-SOPA-Signature": "`v1=` + hex HMAC-SHA256 of `<timestamp>.<raw body>` with the "
                        "endpoint's signing secret (docs/webhooks.md).",
}


def schema_of(value: Any) -> dict[str, Any]:
    """A JSON schema for an example value (the payloads are flat and simple)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return ({"type": "string", "format": "date-time"} if _DATETIME.match(value)
                else {"type": "string"})
    if isinstance(value, list):
        return {"type": "array", "items": schema_of(value[0]) if value else {}}
    return {"type": "object", "required": sorted(value),
            "properties": {key: schema_of(item) for key, item in value.items()}}


def _operation(event: str) -> dict[str, Any]:
    envelope = envelope_example(event)
    schema = schema_of(envelope)
    schema["properties"]["type"] = {"type": "string", "enum": [event]}
    return {"post": {
        "operationId": "webhook_" + event.replace(".", "_"),
        "summary": str(EVENTS[event]["label"]),
        "description": "Sent to every active endpoint subscribed to this event. Answer with "
                       "any 2xx within 5 seconds; anything else is retried after 1 min, 5 min, "
                       "30 min, 2 h and 12 h.",
        "tags": ["webhooks"],
        "parameters": [{"name": name, "in": "header", "required": True,
                        "description": text, "schema": {"type": "string"}}
                       for name, text in HEADERS.items()],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": schema, "example": envelope}}},
        "responses": {"2XX": {"description": "Received (the body is ignored)."}}}}


def webhooks_document() -> dict[str, Any]:
    with force_locale("en"):  # the document is in English, whatever the reader's language
        return {event: _operation(event) for event in EVENTS}
