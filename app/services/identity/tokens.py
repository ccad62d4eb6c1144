"""The providers' access tokens (WeCom, DingTalk: valid 7,200 s), cached once for every worker
and process in the database table `identity_tokens` (one row per app and secret).

- A token is used until 5 minutes before it expires (`EARLY`); then one worker refreshes it.
- The refresh is claimed first: a conditional UPDATE sets `refreshing_until` (30 s ahead)
  only where no other claim is running and the token is still due. The worker that got the
  claim asks the provider and stores the token; the others keep using the old token while it
  is still valid, or wait up to `WAIT` for the new one (and ask the provider themselves if it
  never comes — WeCom and DingTalk give the same token again within its validity, so that is
  harmless). A claim whose worker died lapses after 30 s.
- `invalidate` forgets a token the provider refused (errcode 40014, 42001 …), only if it is
  still the stored one, so a token another worker just fetched is never thrown away.

Each read and write runs on a connection of its own, committed at once: the cache never
depends on (or commits) the caller's unit of work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.base import utcnow
from app.models.sign_ins import IdentityToken

EARLY = timedelta(minutes=5)  # refresh this long before the token expires
CLAIM = timedelta(seconds=30)  # a refresh claim lapses after this (its worker died)
WAIT = 5.0  # seconds to wait for another worker's refresh
POLL = 0.1
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)

Fetch = Callable[[], tuple[str, int]]  # asks the provider: (token, expires_in seconds)
table = IdentityToken.__table__


def access_token(key: str, fetch: Fetch, clock: Callable[[], datetime] = utcnow) -> str:
    """The cached token of `key`, fetched (by one worker) when missing or nearly expired."""
    row = _read(key)
    now = clock()
    if _fresh(row, now):
        return row.token
    if _claim(key, now):
        try:
            token, expires_in = fetch()
        except BaseException:
            _release(key)
            raise
        _store(key, token, clock() + timedelta(seconds=max(int(expires_in), 0)))
        return token
    if row is not None and row.token and row.expires_at > now:
        return row.token  # another worker is refreshing; the old one is still valid
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        time.sleep(POLL)
        row = _read(key)
        if _fresh(row, clock()):
            return row.token
    token, expires_in = fetch()  # the other worker never finished: ask ourselves
    _store(key, token, clock() + timedelta(seconds=max(int(expires_in), 0)))
    return token


def invalidate(key: str, token: str) -> None:
    """Forget `token` (the provider refused it), unless another worker replaced it already."""
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.key == key, table.c.token == token)
                     .values(expires_at=_NEVER, updated_at=utcnow()))


def _fresh(row, now: datetime) -> bool:
    return row is not None and bool(row.token) and row.expires_at - EARLY > now


def _read(key: str):
    with db.engine.connect() as conn:
        return conn.execute(select(table.c.token, table.c.expires_at)
                            .where(table.c.key == key)).first()


def _insert():
    dialect = db.engine.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _claim(key: str, now: datetime) -> bool:
    """Take the refresh of `key` (True), or find it taken by another worker or done already."""
    with db.engine.begin() as conn:
        conn.execute(_insert().values(key=key, token="", expires_at=_NEVER, updated_at=now)
                     .on_conflict_do_nothing(index_elements=["key"]))
        return conn.execute(
            update(table).where(
                table.c.key == key,
                or_(table.c.refreshing_until.is_(None), table.c.refreshing_until < now),
                or_(table.c.token == "", table.c.expires_at <= now + EARLY))
            .values(refreshing_until=now + CLAIM, updated_at=now)).rowcount == 1


def _store(key: str, token: str, expires_at: datetime) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.key == key).values(
            token=token, expires_at=expires_at, refreshing_until=None, updated_at=utcnow()))


def _release(key: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.key == key)
                     .values(refreshing_until=None))
