"""PostgreSQL connections that keep their prepared statements from one request to the next,
and do not open a transaction for statements that only read.

psycopg prepares a statement on the server once it has run five times on a connection; the
server then stops parsing and planning it (a generic plan), which on the hot pages is most
of the database's work per request (0.6 ms of planning for 0.2 ms of execution for the
question page's statement). But psycopg forgets every prepared statement on each ROLLBACK
(and deallocates them on the server), and every request that only read ends with one: the
session is closed, which rolls its transaction back. So nothing ever stayed prepared.

For a transaction that has only read, COMMIT and ROLLBACK are the same to the database.
`AppConnection` therefore ends such a transaction with a COMMIT when asked to roll back,
and keeps the prepared statements; a transaction that wrote anything — or might have: any
statement not plainly a SELECT — is rolled back as asked. `_reads_only` is deliberately
narrow: a statement counts as a read only when it starts with SELECT or WITH and has none of
the words of a write in it (a false "write" costs the prepared statements, a false "read"
would be a commit where a rollback was meant).

Nor does a request that only reads need its transaction at all: psycopg sends BEGIN before
the first statement and the request's end sends ROLLBACK (or COMMIT) — two of the lesson
page's six round trips. Under READ COMMITTED, PostgreSQL's default and the app's, every
statement takes its own snapshot inside a transaction as outside one, so a read run before
the transaction's first write sees exactly what it would have seen inside it. While no
transaction is open, `ReadAwareCursor` runs such a read on its own (autocommit for that
statement only) and leaves BEGIN to the first statement that may write, which psycopg then
sends as before; reads after it run inside the transaction. A stricter isolation level (a
REPEATABLE READ backup, a server whose default is not READ COMMITTED) keeps the usual BEGIN
before any statement, as does an explicit lock (`FOR UPDATE` and the like count as writes).
"""

from __future__ import annotations

import re

import psycopg
from psycopg import IsolationLevel
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

_STARTS_AS_READ = re.compile(r"\s*(?:SELECT|WITH)\b", re.IGNORECASE)
_WRITE_WORDS = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|INTO|TRUNCATE|CREATE|DROP|ALTER|COPY|CALL|DO|LOCK|"
    r"NOTIFY|GRANT|REVOKE|COMMENT|REFRESH|VACUUM|SET|RESET|DISCARD|SHARE)\b"
    r"|ADVISORY|NEXTVAL|SETVAL|SET_CONFIG|TXID|PG_",  # functions with effects, locks
    re.IGNORECASE)
PREPARED_MAX = 256  # statements kept prepared per connection (psycopg's default: 100)


def _reads_only(query) -> bool:
    return (isinstance(query, str) and _STARTS_AS_READ.match(query) is not None
            and _WRITE_WORDS.search(query) is None)


class ReadAwareCursor(psycopg.Cursor):
    """Notes on its connection any statement that is not plainly a read."""

    def execute(self, query, params=None, **kwargs):
        connection = self.connection
        if not _reads_only(query):
            connection.wrote = True
        elif connection.read_outside_transaction():
            connection.autocommit = True  # this statement alone; no round trip to switch
            try:
                return super().execute(query, params, **kwargs)
            finally:
                connection.autocommit = False
        return super().execute(query, params, **kwargs)

    def executemany(self, query, params_seq, **kwargs):
        self.connection.wrote = True
        return super().executemany(query, params_seq, **kwargs)


class AppConnection(psycopg.Connection):
    wrote = False  # since the transaction began: a statement that may have written
    read_committed_by_default = False  # the server's default isolation (asked at connect)

    def read_outside_transaction(self) -> bool:
        """Whether a read may run without opening the transaction (see the module)."""
        return (not self.autocommit
                and self.info.transaction_status == TransactionStatus.IDLE
                and (self.isolation_level == IsolationLevel.READ_COMMITTED
                     or (self.isolation_level is None and self.read_committed_by_default)))

    def commit(self) -> None:
        super().commit()
        self.wrote = False

    def rollback(self) -> None:
        try:
            if not self.wrote and self.info.transaction_status == TransactionStatus.INTRANS:
                try:
                    super().commit()  # only read: the same to the server, statements kept
                    return
                except psycopg.Error:
                    pass  # then roll back as asked
            super().rollback()
        finally:
            self.wrote = False


@event.listens_for(Engine, "do_connect")
def _connect(dialect, _record, cargs, cparams):
    """psycopg connections of the app are `AppConnection`s (SQLite's are left alone)."""
    if dialect.name != "postgresql" or dialect.driver != "psycopg" or "cursor_factory" in cparams:
        return None  # a cursor of the operator's own would not tell reads from writes
    connection = AppConnection.connect(*cargs, cursor_factory=ReadAwareCursor, **cparams)
    connection.prepared_max = PREPARED_MAX
    connection.autocommit = True
    default = connection.execute("SHOW default_transaction_isolation").fetchone()[0]
    connection.autocommit = False
    connection.read_committed_by_default = default == "read committed"
    return connection
