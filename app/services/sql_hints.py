"""Hints to a planner that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


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
