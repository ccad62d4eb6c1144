"""Many rows given to one statement as a table, instead of one execution per row.

交卷 writes the grades of its 20 answers and notes them in the wrong-question book. As an
executemany, each row is a statement for the database to run and a set of parameters for
SQLAlchemy to process (on SQLite that was a fifth of 交卷's time). `given(name, columns)`
is a derived table of the rows, whatever their number, in one statement that reads the
same every time (prepared once per connection on PostgreSQL):

- PostgreSQL: `unnest(:name_col1, :name_col2, …) AS name(col1, col2, …)`, one array
  parameter per column (`params`).
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

from sqlalchemy import bindparam, func, select
from sqlalchemy.types import ARRAY, TypeEngine

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
        arrays = [bindparam(f"{name}_{column}", type_=ARRAY(kind)) for column, kind in columns]
        return (func.unnest(*arrays).table_valued(*(column for column, _kind in columns))
                .render_derived(name))
    each = func.json_each(bindparam(name)).table_valued("value").alias(f"{name}_each")
    return select(*(func.json_extract(each.c.value, f"$[{index}]").label(column)
                    for index, (column, _kind) in enumerate(columns))).subquery(name)


def params(dialect_name: str, name: str, columns: Columns, rows: Sequence[Sequence]) -> dict:
    """The parameters of `given` for these rows (each a value per column, in order)."""
    if dialect_name == "postgresql":
        return {f"{name}_{column}": [row[index] for row in rows]
                for index, (column, _kind) in enumerate(columns)}
    return {name: json.dumps([list(row) for row in rows], ensure_ascii=False)}
