"""Stale forms: a page carries a short token of what the person saw; a write whose row was
changed by someone else since then is refused with the new state shown, instead of silently
overwriting it (a lost update) or confirming a figure nobody looked at.

`seen` missing (an old page, the API) means "no claim about what was seen": the write goes on.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from app.services.errors import DomainError


class StaleEdit(DomainError):
    """Someone else changed the row after the page was shown; `current` is its new token, for
    the page to carry so that sending again is a deliberate overwrite."""

    def __init__(self, message, current: str, field: str | None = None):
        super().__init__(message, field)
        self.current = current


def token(*values: object) -> str:
    """A short, stable token of the values a page shows (order matters)."""
    text = "\x1f".join("" if v is None else _plain(v) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: object) -> str:
    if isinstance(value, datetime):  # SQLite and PostgreSQL read back the same instant
        return value.isoformat(timespec="microseconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_seen(current: str, seen: str | None, message) -> None:
    """Refuse the write when the page showed another state than the stored one."""
    if seen and seen.strip() != current:
        raise StaleEdit(message, current)
