"""Hints to a planner that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import ARRAY, Boolean, any_, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.sql.visitors import InternalTraversal


class unindexed(GenericFunction):  # noqa: N801 (SQL function naming)
    """unindexed(column): the column's value, for a condition that must not lead the plan.
    SQLite, without statistics (nobody runs ANALYZE in production), prefers any index of an
    equality, and a boolean's index (needs_review) would start a per-person count from
    every such row of the organisation; `+column` is SQLite's documented way to disqualify
    a term from using an index. PostgreSQL gets the column as it is."""

    type = Boolean()
    inherit_cache = True


@compiles(unindexed)
def _unindexed(element, compiler, **kw):
    return compiler.process(list(element.clauses)[0], **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return f"(+{compiler.process(list(element.clauses)[0], **kw)})"


class IdsParam:
    """A list of ids bound when a statement runs, under `name`, for `among()`."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class _among_ids(ColumnElement):  # noqa: N801 (SQL construct naming)
    """column among the ids bound as `name`: PostgreSQL `column = ANY(:name)`, one array
    parameter, so the statement's text is the same however many ids there are; elsewhere
    `column IN (…)`, one parameter per id (SQLite has no arrays)."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("name", InternalTraversal.dp_string)]

    def __init__(self, column, name: str):
        self.column = column
        self.name = name


@compiles(_among_ids)
def _among_ids_in(element, compiler, **kw):
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(_among_ids, "postgresql")
def _among_ids_any(element, compiler, **kw):
    ids = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(ids), **kw)


def among(column, ids):
    """SQL: `column` is one of `ids` — a list, a SELECT of ids, or an `IdsParam` bound when
    the statement runs."""
    if isinstance(ids, IdsParam):
        from app.extensions import db

        if db.engine.dialect.name != "postgresql":  # the plain IN: SQLite plans it better
            return column.in_(bindparam(ids.name, expanding=True))
        return _among_ids(column, ids.name)
    return column.in_(ids)
