"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from app.models.base import UTCDateTime


class shift_days(GenericFunction):  # noqa: N801 (SQL function naming)
    """shift_days(timestamp, n): the timestamp n days later, as a timestamp."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(shift_days, "postgresql")
def _shift_days_pg(element, compiler, **kw):
    ts, days = list(element.clauses)
    return (f"({compiler.process(ts, **kw)} + make_interval(days => "
            f"CAST({compiler.process(days, **kw)} AS INTEGER)))")


@compiles(shift_days, "sqlite")
def _shift_days_sqlite(element, compiler, **kw):
    ts, days = list(element.clauses)
    # the same text shape SQLAlchemy stores ("YYYY-MM-DD HH:MM:SS.ffffff"), so that
    # comparisons with stored timestamps and bound parameters stay text comparisons
    return (f"(strftime('%Y-%m-%d %H:%M:%S', {compiler.process(ts, **kw)}, "
            f"'+' || CAST({compiler.process(days, **kw)} AS INTEGER) || ' days') || "
            f"substr({compiler.process(ts, **kw)}, 20, 7))")


class day_start(GenericFunction):  # noqa: N801 (SQL function naming)
    """day_start(date): midnight UTC of that day, as a timestamp (shift_days accepts it)."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(day_start, "postgresql")
def _day_start_pg(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"(CAST({compiler.process(day, **kw)} AS TIMESTAMP) AT TIME ZONE 'UTC')"


@compiles(day_start, "sqlite")
def _day_start_sqlite(element, compiler, **kw):
    (day,) = list(element.clauses)
    # the stored timestamp text shape (see shift_days)
    return f"({compiler.process(day, **kw)} || ' 00:00:00.000000')"
