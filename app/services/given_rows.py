"""Many rows given to one statement as a table, instead of one execution per row.

交卷 writes the grades of its 20 answers and notes them in the wrong-question book. As an
executemany, each row is a statement for the database to run and a set of parameters for
SQLAlchemy to process (on SQLite that was a fifth of 交卷's time). `given(name, columns)`
is a derived table of the rows, whatever their number, in one statement that reads the
same every time (prepared once per connection on PostgreSQL):

- PostgreSQL: `json_to_recordset(:name) AS name(col1 type1, col2 type2, …)`, one JSON
  parameter holding every row as an object (`params`). It was one array parameter per column
  (`unnest`): psycopg dumps an array element by element in Python — 5 % of 交卷's CPU for its
  ten arrays — where `json.dumps` is one C call, and the parameters of 交卷's one statement
  went from 17 to 3 (their number and the statement's length decide whether psycopg keeps
  the statement's conversion: `db_psycopg`).
- SQLite: `json_each(:name)`, one JSON parameter holding every row as an array, each
  column read with `json_extract(value, '$[i]')` (a nested list comes out as its JSON text,
  a boolean as 1 or 0: what SQLite stores for JSON and Boolean columns).

`supported()` says whether this database can: SQLite needs its JSON functions (built in
since 3.38) and UPDATE … FROM (3.33); older SQLite keeps the executemany.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import JSON, bindparam, cast, column, func, select
from sqlalchemy.types import String, TypeEngine

from app.extensions import db

Columns = tuple[tuple[str, TypeEngine], ...]  # (name, type) of each column, in order


def dialect() -> str:
    return db.session.get_bind().dialect.name


def supported(name: str | None = None) -> bool:
    name = name or dialect()
    return name == "postgresql" or (name == "sqlite" and sqlite3.sqlite_version_info >= (3, 38))


@lru_cache(maxsize=16)
def given(dialect_name: str, name: str, columns: Columns):
    """The rows as a derived table `name` with `columns` (built once per statement kind)."""
    if dialect_name == "postgresql":
        rows = cast(bindparam(name, type_=String()), JSON)
        return (func.json_to_recordset(rows)
                .table_valued(*(column(key, kind) for key, kind in columns))
                .render_derived(name, with_types=True))
    each = func.json_each(bindparam(name)).table_valued("value").alias(f"{name}_each")
    return select(*(func.json_extract(each.c.value, f"$[{index}]").label(column)
                    for index, (column, _kind) in enumerate(columns))).subquery(name)


def params(dialect_name: str, name: str, columns: Columns, rows: Sequence[Sequence]) -> dict:
    """The parameters of `given` for these rows (each a value per column, in order)."""
    if dialect_name == "postgresql":
        keys = [key for key, _kind in columns]
        return {name: json.dumps([dict(zip(keys, row, strict=True)) for row in rows],
                                 ensure_ascii=False)}
    return {name: json.dumps([list(row) for row in rows], ensure_ascii=False)}
