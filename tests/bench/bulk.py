"""Bulk row writing for the benchmark seed: COPY on PostgreSQL, executemany on SQLite.

Rows are plain dicts keyed by column name; ids are given by the caller (`next_id`), so
children can name their parents without a round trip, and the id sequences are moved past
them at the end. A column left out takes its model's Python default (evaluated once) or
NULL. JSON values are serialised here, unless already text wrapped in `J` (templates
serialised once and reused for millions of rows). Buffers are written in foreign-key order
whenever one of them is full, so a child never reaches the database before its parent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import JSON, Boolean, Connection, Date, func, select, text

from app.extensions import db
from app.models.base import UTCDateTime

BATCH = 5000  # rows per table buffered before everything is written


class J(str):
    """JSON already serialised (written as is)."""


def dumps(value) -> J:
    return J(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


class BulkWriter:
    def __init__(self, connection: Callable[[], Connection], batch: int = BATCH):
        """`connection`: the connection to write on now (the session's: ORM work in between
        sees the rows, and a commit between phases is the caller's)."""
        self.connection, self.batch = connection, batch
        self.pg = connection().dialect.name == "postgresql"
        self.tables = {t.name: t for t in db.metadata.sorted_tables}
        self.order = [t.name for t in db.metadata.sorted_tables]
        self.buffers: dict[str, list[tuple]] = {}
        self.plans: dict[str, tuple] = {}
        self.ids: dict[str, int] = {}
        self.written: dict[str, int] = {}

    @property
    def conn(self) -> Connection:
        return self.connection()

    # ---- ids ------------------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        if table not in self.ids:
            self.ids[table] = self.conn.scalar(
                select(func.coalesce(func.max(self.tables[table].c.id), 0)))
        self.ids[table] += 1
        return self.ids[table]

    # ---- rows -----------------------------------------------------------------------------
    def add(self, table: str, row: dict) -> None:
        columns, defaults, _convert = self._plan(table)
        self.buffers[table].append(tuple(row.get(c, d) for c, d in zip(columns, defaults,
                                                                          strict=True)))
        if len(self.buffers[table]) >= self.batch:
            self.flush()

    def _plan(self, table: str) -> tuple:
        plan = self.plans.get(table)
        if plan is None:
            columns, defaults, convert = [], [], []
            for column in self.tables[table].columns:
                columns.append(column.name)
                defaults.append(_default(column))
                convert.append(_converter(column.type, self.pg))
            plan = self.plans[table] = (columns, defaults, convert)
            self.buffers[table] = []
        return plan

    def flush(self) -> None:
        for name in self.order:
            rows = self.buffers.get(name)
            if rows:
                self._write(name, rows)
                self.written[name] = self.written.get(name, 0) + len(rows)
                self.buffers[name] = []

    def _write(self, name: str, rows: list[tuple]) -> None:
        columns, _defaults, convert = self.plans[name]
        pairs = [(i, f) for i, f in enumerate(convert) if f is not None]
        if pairs:
            rows = [_apply(row, pairs) for row in rows]
        if self.pg:
            self._copy(name, columns, rows)
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({marks})'
            self.conn.exec_driver_sql(sql, rows)

    def _copy(self, name: str, columns: list[str], rows: list[tuple]) -> None:
        raw = self.conn.connection.dbapi_connection
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" ({names}) FROM STDIN',
                                                 writer=QueuedLibpqWriter(cursor)) as copy:
            for row in rows:  # a thread sends while this one formats: both cores work
                copy.write_row(row)

    def close(self) -> None:
        """Write what is buffered and move the id sequences past the ids given (so the ORM's
        own inserts, e.g. `content sync`'s, never collide with them)."""
        self.flush()
        if self.pg:
            for name in self.ids:
                self.conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"))


def _apply(row: tuple, pairs) -> tuple:
    values = list(row)
    for index, convert in pairs:
        value = values[index]
        if value is not None:
            values[index] = convert(value)
    return tuple(values)


def _default(column):
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)
    return None


def _json(value):
    return value if isinstance(value, J) else json.dumps(value, ensure_ascii=False)


def _sqlite_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _converter(type_, pg: bool):
    """How a Python value becomes what the driver takes (None: as it is)."""
    if isinstance(type_, JSON):
        return _json
    if pg:
        return None
    if isinstance(type_, UTCDateTime):
        return _sqlite_datetime
    if isinstance(type_, Date):
        return date.isoformat
    if isinstance(type_, Boolean):
        return int
    return None



# PostgreSQL's own advice for a bulk load ("Populating a Database": remove indexes and foreign
# keys, load, make them again): a row COPYed into a table keeps each of its indexes up to date
# and checks each of its foreign keys one row at a time — for the 10 million attempt questions,
# five index insertions and four lookups per row, ever slower once the indexes outgrow the
# server's cache. Made again afterwards, each index is one sort and each foreign key one join.
_KEYS = """
SELECT t.relname, c.conname, c.contype,
       pg_get_constraintdef(c.oid), NULL
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname = current_schema() AND c.contype IN ('f', 'u')
UNION ALL
SELECT t.relname, i.relname, 'i', NULL, pg_get_indexdef(i.oid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""


class LaterKeys:
    """On PostgreSQL, `drop()` drops every foreign key, unique constraint and index but the
    primary keys; `make()` makes each again exactly as it was (its definition read back from
    the catalogue before, so the schema after is the migrations' own, and a row that breaks a
    key still fails the seed — when the key is made again). Both do nothing on SQLite."""

    def __init__(self, connection: Callable[[], Connection]):
        self.connection, self.keys = connection, []

    def drop(self) -> int:
        conn = self.connection()
        if conn.dialect.name != "postgresql":
            return 0
        self.keys = conn.execute(text(_KEYS)).all()
        for table, name, kind, _definition, _index in sorted(self.keys,
                                                             key=lambda k: _ORDER[k[2]]):
            if kind == "i":
                conn.execute(text(f'DROP INDEX "{name}"'))
            else:
                conn.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
        return len(self.keys)

    def make(self) -> int:
        if not self.keys:
            return 0
        conn = self.connection()
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for table, name, kind, definition, index in sorted(self.keys,
                                                           key=lambda k: -_ORDER[k[2]]):
            if kind == "i":
                conn.execute(text(index))
            else:
                conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
        made, self.keys = len(self.keys), []
        return made


_ORDER = {"f": 0, "u": 1, "i": 2}  # dropped in this order (what depends on a key first)
