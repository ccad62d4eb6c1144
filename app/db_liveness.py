"""A pooled PostgreSQL connection is checked before each request without a round trip.

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` to the server on every checkout: one more round
trip per request (and, with psycopg, a switch to autocommit and back) — on the hot pages a
tenth of their statements. What it guards against is a connection the server has closed
(restart, failover, `pg_terminate_backend`, an idle timeout): the server then sends its
FATAL message and closes the socket, so the socket of an idle connection — which has nothing
to read between requests — becomes readable. Polling it without waiting costs one system
call and sees exactly that. A connection that has sat unused for longer than
`IDLE_PING_SECONDS` (a quiet night, a firewall that drops idle connections without a word)
still gets the real ping. Either way a dead connection raises `DisconnectionError`, and the
pool replaces it with a fresh one before the request sees it (SQLAlchemy's "custom
pessimistic ping"); SQLite's in-process connections need neither.
"""

from __future__ import annotations

import select
import time

from sqlalchemy import event, exc
from sqlalchemy.pool import Pool

IDLE_PING_SECONDS = 30.0
_IDLE_SINCE = "idle_since"


def _readable(fileno: int) -> bool:
    """Whether the socket has something to read (or has been closed), without waiting."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fileno, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    return bool(select.select([fileno], [], [], 0)[0])


def _ping(dbapi_connection) -> None:
    """One `SELECT 1` outside any transaction, as SQLAlchemy's psycopg dialect pings."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("SELECT 1")
    finally:
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = autocommit


@event.listens_for(Pool, "checkin")
def _note_idle(dbapi_connection, record) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _check_alive(dbapi_connection, record, _proxy) -> None:
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:  # sqlite3: nothing on the other side of a socket
        return
    if dbapi_connection.closed or getattr(dbapi_connection, "broken", False):
        raise exc.DisconnectionError("the connection was closed")
    try:
        closed_by_server = _readable(fileno())
    except (OSError, ValueError) as error:
        raise exc.DisconnectionError(str(error)) from error
    if closed_by_server:
        raise exc.DisconnectionError("the database server closed the connection")
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is not None and time.monotonic() - idle_since > IDLE_PING_SECONDS:
        try:
            _ping(dbapi_connection)
        except Exception as error:  # any failure of the ping: take a new connection
            raise exc.DisconnectionError(str(error)) from error
