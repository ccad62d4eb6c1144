"""The signed-in user's row kept per worker on PostgreSQL, dropped the moment the database says
it changed.

Every signed-in request runs one statement (`devices.find`): the account, its device, its
roles and the bell's count. On PostgreSQL that statement was half the statements of the hot
pages and a sixth of their CPU (client and server). Here each worker keeps the rows it read,
keyed by the account, its session version and the device token's hash, and serves the next
request of that device from them — with the same checks the statement makes on time (the
device's lifetimes) made again on every request — as long as nothing it read has changed.

What "changed" means is the database's to say, not the app's: statement-level triggers on
`users`, `user_sessions`, `user_roles` and `notifications` (migration `7a41c2e9d5b3`) send
the ids of the accounts a statement touched on the channel `sop_signed_in` at commit (`*` for
more than 200 accounts or a TRUNCATE), whoever wrote them: a request of another worker, a
cron job, an administrator's psql. Each worker LISTENs on a connection of its own and, before
it uses anything kept, reads what arrived (a non-blocking read of that socket, no round trip)
and forgets those accounts. So a sign-out, a deactivation, a role taken away or a new
notification acts on the next request of every worker once PostgreSQL has delivered the
notice (it does so as the writer commits; the writer's own process forgets at once, below).

Nothing is kept when the notices cannot be trusted:
- on SQLite (a single laptop process: its statement costs a third of PostgreSQL's),
- when the triggers are missing (a database restored without them; checked when listening),
- while the listening connection is down: everything kept is forgotten, the statement runs on
  every request, and listening starts again at most every `RETRY` seconds,
- rows read before the current listening connection started (its `generation`).
An entry is also never older than `MAX_AGE`, whatever arrives, and at most `MAX_KEPT` are kept.

A worker's own writes to those tables (seen by `before_cursor_execute`) forget at once, and
again at commit: the account given by the execution option `kept_users_user`, or everything.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Sequence

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

CHANNEL = "sop_signed_in"
TABLES = ("users", "user_sessions", "user_roles", "notifications")
MANY = 200  # accounts in one notice at most; more: "*" (the migration says the same)
TRIGGERS = 4 * len(TABLES)  # insert, update, delete, truncate on each
MAX_AGE = 60.0    # seconds an entry is served at most
MAX_KEPT = 4096   # entries per worker
RETRY = 5.0       # seconds between attempts to listen again
USER_OPTION = "kept_users_user"  # execution option: the one account a write changes

_WRITES = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"
    r"\"?(?:" + "|".join(TABLES) + r")\"?(?:\s|$|,|\()", re.IGNORECASE)
_JUDGED: dict[str, bool] = {}
_JUDGED_MAX = 4096
_IMMUTABLE = (int, str, float, bool, bytes, type(None), datetime.date, datetime.time,
              datetime.timedelta, decimal.Decimal)  # values every request may share


class _Listener:
    """A worker's LISTEN connection (not from the pool: it stays open and idle)."""

    def __init__(self, connection: psycopg.Connection, generation: int):
        self.connection, self.generation, self.pid = connection, generation, os.getpid()
        self.ended = False
        connection.add_notice_handler(self._notice)

    def _notice(self, diagnostic) -> None:
        """The server's message as it ends this connection (terminated, shut down) comes as a
        notice while idle, before the socket closes: nothing more will arrive from here."""
        if diagnostic.severity_nonlocalized in ("FATAL", "PANIC", "ERROR"):
            self.ended = True

    def drain(self) -> list[str] | None:
        """The payloads that arrived, or None when the connection is gone."""
        pgconn = self.connection.pgconn
        try:
            pgconn.consume_input()
        except psycopg.Error:
            return None
        payloads = []
        while (notice := pgconn.notifies()) is not None:  # parses what was read: notices too
            payloads.append(notice.extra.decode())
        if self.ended or pgconn.status != psycopg.pq.ConnStatus.OK:
            return None
        return payloads


def _locked(method):
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)
    return locked


class Kept:
    """What one worker keeps (one per engine: `kept_for`)."""

    def __init__(self) -> None:
        self.entries: dict[tuple, tuple[float, int, tuple]] = {}  # key → (kept at, user, rows)
        self.listener: _Listener | None = None
        self.generation = 0
        self.next_try = 0.0
        self.orphans: list = []  # listeners inherited over a fork: never closed from here
        self.lock = threading.RLock()  # a threaded server (flask run): one reader of the socket

    @_locked
    def ready(self, engine) -> int | None:
        """Read what arrived and forget it; the current generation, or None when nothing may
        be kept now."""
        listener = self.listener
        if listener is not None and listener.pid != os.getpid():
            self.orphans.append(listener)  # the parent's socket: closing it would end theirs
            listener = self.listener = None
            self.entries.clear()
        if listener is None:
            if time.monotonic() < self.next_try:
                return None
            listener = self._listen(engine)
            if listener is None:
                return None
        payloads = listener.drain()
        if payloads is None:
            log.warning("stopped listening on %s: kept users forgotten", CHANNEL)
            self.stop()
            return None
        if "*" in payloads:  # many accounts, a TRUNCATE, a restore: listen anew, which checks
            self.stop()      # that the triggers are (still) there
            self.next_try = 0.0
            listener = self._listen(engine)
            return listener.generation if listener is not None else None
        for payload in payloads:
            self.forget_payload(payload)
        return listener.generation

    def _listen(self, engine) -> _Listener | None:
        self.next_try = time.monotonic() + RETRY
        raw = None
        try:
            raw = engine.raw_connection()
            connection = raw.dbapi_connection
            raw.detach()  # the pool forgets it: this connection only listens
            connection.autocommit = True
            present = connection.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'sop_signed_in_%%' AND NOT t.tgisinternal "
                "AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)",
                [list(TABLES)]).fetchone()[0]
            if present < TRIGGERS:
                connection.close()
                return None
            connection.execute(f"LISTEN {CHANNEL}")
        except Exception:  # noqa: BLE001 - the cache is optional; the statement still runs
            log.warning("could not listen on %s", CHANNEL, exc_info=True)
            if raw is not None:
                try:
                    raw.close()
                except Exception:  # noqa: BLE001
                    pass
            return None
        self.generation += 1
        self.entries.clear()  # nothing read before listening may be served
        self.listener = _Listener(connection, self.generation)
        return self.listener

    @_locked
    def stop(self) -> None:
        listener, self.listener = self.listener, None
        self.entries.clear()
        self.next_try = time.monotonic() + RETRY
        if listener is not None and listener.pid == os.getpid():
            try:
                listener.connection.close()
            except Exception:  # noqa: BLE001
                pass

    def get(self, key: tuple) -> tuple | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > MAX_AGE:
            self.entries.pop(key, None)
            return None
        return entry[2]

    @_locked
    def put(self, key: tuple, user_id: int, rows: Sequence[Sequence], generation: int) -> None:
        """Keep rows read after `ready` returned `generation` (dropped if listening restarted)."""
        listener = self.listener
        if listener is None or listener.generation != generation:
            return
        kept = tuple(tuple(row) for row in rows)
        if not all(isinstance(value, _IMMUTABLE)
                   for row in kept for value in row):
            return  # a dict or list would be shared by every request served from here
        if len(self.entries) >= MAX_KEPT:
            self.entries.clear()
        self.entries[key] = (time.monotonic(), user_id, kept)

    @_locked
    def forget(self, key: tuple) -> None:
        self.entries.pop(key, None)

    @_locked
    def forget_user(self, user_id: int) -> None:
        for key in [key for key, entry in self.entries.items() if entry[1] == user_id]:
            del self.entries[key]

    @_locked
    def forget_written(self, users: set) -> None:
        """This process wrote: the accounts given, None among them for "any account"."""
        if None in users:
            self.entries.clear()
        else:
            for user_id in users:
                self.forget_user(user_id)

    @_locked
    def forget_payload(self, payload: str) -> None:
        if not self.entries:
            return
        try:
            ids = {int(part) for part in payload.split(",")}
        except ValueError:
            self.entries.clear()
            return
        for key in [key for key, entry in self.entries.items() if entry[1] in ids]:
            del self.entries[key]


_BY_ENGINE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine → Kept | None
_BY_DATABASE: dict[str, Kept] = {}  # engines of one database share what is kept


def kept_for(engine) -> Kept | None:
    """The database's keeper when rows may be kept for it at all: PostgreSQL through psycopg
    with the app's cursor (db_psycopg)."""
    try:
        return _BY_ENGINE[engine]
    except KeyError:
        pass
    kept = None
    if _applies(engine):
        kept = _BY_DATABASE.setdefault(engine.url.render_as_string(hide_password=False), Kept())
    _BY_ENGINE[engine] = kept
    return kept


def _applies(engine) -> bool:
    from app.db_psycopg import ReadAwareCursor
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return False
    with engine.connect() as connection:  # once per engine
        return connection.connection.dbapi_connection.cursor_factory is ReadAwareCursor


def _writes_kept(statement: str) -> bool:
    judged = _JUDGED.get(statement)
    if judged is None:
        judged = _WRITES.search(statement) is not None
        if len(_JUDGED) >= _JUDGED_MAX:
            _JUDGED.clear()
        _JUDGED[statement] = judged
    return judged


@event.listens_for(Engine, "before_cursor_execute")
def _before_write(conn, _cursor, statement, _parameters, context, _executemany) -> None:
    kept = _BY_ENGINE.get(conn.engine)
    if kept is None or not kept.entries or not _writes_kept(statement):
        return
    user_id = context.execution_options.get(USER_OPTION) if context is not None else None
    conn.info.setdefault("kept_users_wrote", set()).add(user_id)
    kept.forget_written({user_id})


@event.listens_for(Engine, "commit")
def _after_commit(conn) -> None:
    marks = conn.info.pop("kept_users_wrote", None)
    if marks:
        kept = _BY_ENGINE.get(conn.engine)
        if kept is not None:
            kept.forget_written(marks)


@event.listens_for(Engine, "rollback")
def _after_rollback(conn) -> None:
    conn.info.pop("kept_users_wrote", None)
