"""PostgreSQL: statements that only read run without a transaction until the first write, so
a request that only reads sends no BEGIN and no ROLLBACK — and keeps psycopg's prepared
statements.

psycopg prepares a statement on the server once it has run five times on a connection; the
server then stops parsing and planning it (a generic plan), which on the hot pages was most
of the database's work per request (0.6 ms of planning for 0.2 ms of execution for the
question page's statement). But psycopg forgets every prepared statement on each ROLLBACK,
and every request that only read ended with one (closing the session rolls its transaction
back): nothing ever stayed prepared. BEGIN and ROLLBACK were also two of the lesson page's
six round trips.

Under READ COMMITTED — PostgreSQL's default and the app's — every statement takes its own
snapshot inside a transaction as outside one, so a read run before the transaction's first
write sees exactly what it would have seen inside it. While no transaction is open,
`ReadAwareCursor` runs such a read on its own (autocommit for that one statement: a switch
on the client, no round trip) and leaves BEGIN to the first statement that may write, which
psycopg then sends as before; everything after it runs inside the transaction, and a
transaction that wrote is committed or rolled back as the app asks. A request that only read
never opened a transaction, so its end sends nothing and psycopg keeps what it prepared.

`_reads_only` is deliberately narrow: a statement is a read only when it starts with SELECT
or WITH and has none of the words of a write or of a lock in it (`FOR UPDATE`, advisory
locks, `nextval`, data-modifying CTEs …); anything else opens the transaction first, as
before. A stricter isolation level (the backup's REPEATABLE READ, a server whose default is
not READ COMMITTED) keeps BEGIN before every first statement.

A write that is a whole transaction by itself — one statement whose every effect must stand
or fall together, and nothing else to write in the request (an exam's autosave: the claim and
the answer in one statement, services/quiz/quick_save.py) — can ask for the same with
`on_its_own(connection)`: run before any transaction is open, it commits as it ends (the
server makes one statement atomic), and the request's COMMIT then sends nothing. BEGIN and
COMMIT were two of autosave's five round trips. Inside an open transaction it runs there, as
any statement.

psycopg turns a statement's `%(name)s` placeholders into `$1 … $n` on every execution and
keeps the result only for statements under 4,096 bytes with at most 50 parameters: ORMs make
statements of varying length (an INSERT of n rows) that would fill its cache. The app's
statements are built once per worker and sent as the same text every time; 交卷's one
statement (5.8 KB) was converted anew on every 交卷 (a regular-expression scan of it, 8 % of
交卷's CPU). `_Converted` keeps the conversion of longer statements too, in a cache of its own
(`LONG_KEPT` statements of at most `LONG_MAX` bytes: under 2 MB however they vary).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg import IsolationLevel, _queries
from psycopg.pq import ExecStatus, TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

_STARTS_AS_READ = re.compile(r"\s*(?:SELECT|WITH)\b", re.IGNORECASE)
_WRITE_WORDS = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|INTO|TRUNCATE|CREATE|DROP|ALTER|COPY|CALL|DO|LOCK|"
    r"NOTIFY|GRANT|REVOKE|COMMENT|REFRESH|VACUUM|SET|RESET|DISCARD|SHARE)\b"
    r"|ADVISORY|NEXTVAL|SETVAL|SET_CONFIG|TXID|PG_",  # functions with effects, locks
    re.IGNORECASE)
_TUPLES = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE,
           getattr(ExecStatus, "TUPLES_CHUNK", ExecStatus.TUPLES_OK))
PREPARED_MAX = 256  # statements kept prepared per connection (psycopg's default: 100)


_JUDGED: dict[str, bool] = {}  # statement text → a read; SQLAlchemy sends the same texts
_JUDGED_MAX = 4096


def _reads_only(query) -> bool:
    if not isinstance(query, str):
        return False
    judged = _JUDGED.get(query)
    if judged is None:  # the regular expression over a long statement costs 0.1–0.3 ms
        judged = (_STARTS_AS_READ.match(query) is not None
                  and _WRITE_WORDS.search(query) is None)
        if len(_JUDGED) >= _JUDGED_MAX:
            _JUDGED.clear()
        _JUDGED[query] = judged
    return judged


def _outside_transaction_is_the_same(connection) -> bool:
    """No transaction open, none asked for by autocommit, and READ COMMITTED."""
    return (not connection.autocommit
            and connection.info.transaction_status == TransactionStatus.IDLE
            and (connection.isolation_level == IsolationLevel.READ_COMMITTED
                 or (connection.isolation_level is None
                     and getattr(connection, "read_committed_by_default", False))))


LONG_KEPT = 32     # conversions of long statements kept per worker
LONG_MAX = 16_384  # bytes: a longer statement is converted on every execution, as psycopg does


@lru_cache(maxsize=LONG_KEPT)
def _converted_long(query: bytes, encoding: str):
    return _queries._query2pg_nocache(query, encoding)


class _Converted(_queries.PostgresQuery):
    """psycopg's conversion of a statement and its parameters, the statement's part kept for
    long statements too (see the module's docstring)."""

    __slots__ = ()

    def convert(self, query, vars) -> None:  # noqa: A002 - psycopg's signature
        if vars is None or not isinstance(query, str):
            return super().convert(query, vars)
        encoding = self._tx.encoding
        raw = query.encode(encoding)
        if (len(raw) > LONG_MAX or (len(raw) <= _queries.MAX_CACHED_STATEMENT_LENGTH
                                    and len(vars) <= _queries.MAX_CACHED_STATEMENT_PARAMS)):
            return super().convert(raw, vars)  # psycopg's own cache, or none
        self.query, self._want_formats, self._order, self._parts = _converted_long(raw, encoding)
        self.dump(vars)
        return None


def _psycopg_converts_as_expected() -> bool:
    """The psycopg internals `_Converted` relies on are there (psycopg 3.1–3.3)."""
    return (hasattr(_queries, "_query2pg_nocache")
            and hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH")
            and {"_tx", "_want_formats", "_order", "_parts"} <= set(
                _queries.PostgresQuery.__slots__)
            and getattr(psycopg.Cursor, "_query_cls", None) is _queries.PostgresQuery)


class ReadAwareCursor(psycopg.Cursor):
    """The app's cursor (`engine_options` gives it as the `cursor_factory`): a read before
    the transaction's first write runs on its own; `description` as plain DB-API tuples."""

    if _psycopg_converts_as_expected():
        _query_cls = _Converted

    @property
    def description(self):
        """The DB-API's seven-item sequence per column, as tuples (name, type code, then
        None): what SQLAlchemy reads of it (the name and the type) without psycopg's
        `Column` objects, which cost 24 µs for the 28 columns of the signed-in user's row
        against 5 µs, on every statement of every request."""
        res = self.pgresult
        if res is None or not (res.nfields or res.status in _TUPLES):
            return None
        encoding = self._encoding
        return [((res.fname(index) or f"column_{index + 1}".encode()).decode(encoding),
                 res.ftype(index), None, None, None, None, None)
                for index in range(res.nfields)]

    def execute(self, query, params=None, **kwargs):
        connection = self.connection
        if ((getattr(connection, "alone", False) or _reads_only(query))
                and _outside_transaction_is_the_same(connection)):
            connection.autocommit = True
            try:
                return super().execute(query, params, **kwargs)
            finally:
                connection.autocommit = False
        return super().execute(query, params, **kwargs)


@contextmanager
def on_its_own(connection) -> Iterator[bool]:
    """Within the block, a statement sent while no transaction is open is its own transaction
    (see the module's docstring). `connection`: SQLAlchemy's. Yields whether it applies: a
    PostgreSQL connection with the app's cursor (SQLite's statements are unchanged)."""
    raw = connection.connection.dbapi_connection
    if not isinstance(raw, psycopg.Connection) or raw.cursor_factory is not ReadAwareCursor:
        yield False
        return
    raw.alone = True
    try:
        yield True
    finally:
        raw.alone = False


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, _record) -> None:
    """A new psycopg connection of the app: ask the server's default isolation once, keep
    more statements prepared."""
    if not isinstance(dbapi_connection, psycopg.Connection):
        return
    if dbapi_connection.cursor_factory is not ReadAwareCursor:
        return  # an operator's own cursor_factory: left as psycopg makes it
    dbapi_connection.prepared_max = PREPARED_MAX
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        default = dbapi_connection.execute("SHOW default_transaction_isolation").fetchone()[0]
    finally:
        dbapi_connection.autocommit = autocommit
    dbapi_connection.read_committed_by_default = default == "read committed"
