"""Keyset pages: parameters (limit, cursor, updated_since) checked, one query per page.

A cursor is the keyset position of the last row served, as base64url JSON
(`["users", "2026-03-01T08:00:00.123456Z", 42]`): opaque to clients, bound to its resource.
Rows are ordered by their keys (updated_at then id, or a computed row's ids), so a page never
repeats or skips a row that did not change while a client walked the pages; a row that
changed comes again later with its new values (clients upsert by id).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_

from app.extensions import db
from app.models import ApiToken
from app.services.api_tokens import require_scope
from app.services.bi.fields import Key, Resource, iso_timestamp

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
MAX_INT = 2**31 - 1  # a database INTEGER
MAX_CURSOR_LENGTH = 500
DIGITS = re.compile(r"[0-9]{1,6}", re.ASCII)


class ParamError(ValueError):
    """A query parameter with a bad value; the message names it (English: for programs)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class Page:
    data: list[dict[str, Any]]
    next_cursor: str | None


def parse_limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not DIGITS.fullmatch(value) or not 1 <= int(value) <= MAX_LIMIT:
        raise ParamError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(value)


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO 8601 date and time with its time zone (2026-03-01T08:00:00Z, …+08:00) → UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().upper())
    except ValueError:
        raise ParamError("updated_since", "updated_since must be an ISO 8601 date and time "
                         "with a time zone, e.g. 2026-03-01T08:00:00Z.") from None
    if moment.tzinfo is None:
        raise ParamError("updated_since", "updated_since needs a time zone (Z or an offset "
                         "such as +08:00): a time without one is ambiguous.")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ParamError("updated_since", "updated_since is out of range.") from None


def page_request(limit: str | None, cursor: str | None,
                 updated_since: str | None) -> PageRequest:
    """Check the raw query parameters (strings or None); ParamError names the bad one."""
    return PageRequest(parse_limit(limit), cursor or None, parse_timestamp(updated_since))


def encode_cursor(resource: Resource, keys: tuple[Key, ...], row: dict[str, Any]) -> str:
    values = [iso_timestamp(row[k.name]) if k.kind == "time" else row[k.name] for k in keys]
    raw = json.dumps([resource.name, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(resource: Resource, keys: tuple[Key, ...], cursor: str) -> list[Any]:
    """The key values of a cursor made by `encode_cursor` for this resource."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, *values = json.loads(raw)
        if name != resource.name or len(values) != len(keys):
            raise ValueError
        return [_key_value(k, v) for k, v in zip(keys, values, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, OverflowError):
        raise ParamError("cursor", "cursor is not one this API gave for this list; start "
                         "again without it.") from None


def _key_value(key: Key, value: Any) -> Any:
    if key.kind == "time":
        if not isinstance(value, str):
            raise ValueError
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError
        return moment.astimezone(UTC)
    if type(value) is not int or not -MAX_INT <= value <= MAX_INT:
        raise ValueError
    return value


def _after(keys: tuple[Key, ...], values: list[Any]):
    """SQL: the row comes after `values` in key order (k1 > v1 or k1 = v1 and k2 > v2 …)."""
    head, value = keys[0], values[0]
    if len(keys) == 1:
        return head.column > value
    return or_(head.column > value, and_(head.column == value, _after(keys[1:], values[1:])))


def read_page(token: ApiToken, resource: Resource, request: PageRequest,
              now: datetime) -> Page:
    """One page of a resource for a token holding its scope (ScopeError otherwise)."""
    require_scope(token, resource.scope)
    listing = resource.listing(now)
    query = listing.query
    if request.updated_since is not None:
        if listing.updated is None:
            raise ParamError("updated_since", f"{resource.name} does not offer updated_since.")
        query = query.where(listing.updated >= request.updated_since)
    if request.cursor:
        query = query.where(_after(listing.keys, decode_cursor(resource, listing.keys,
                                                               request.cursor)))
    query = query.order_by(*(k.column for k in listing.keys)).limit(request.limit + 1)
    rows = [dict(row._mapping) for row in db.session.execute(query)]
    more, rows = len(rows) > request.limit, rows[:request.limit]
    cursor = encode_cursor(resource, listing.keys, rows[-1]) if more else None
    return Page([resource.row(row) for row in rows], cursor)
