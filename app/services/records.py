"""Append a row unless an equal one exists, safely when two requests race (no savepoints:
SQLite's Python driver commits early on RELEASE SAVEPOINT)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def insert_statement(model):
    """This database's INSERT (PostgreSQL or SQLite), to add ON CONFLICT … and RETURNING to."""
    return _insert(model)


def insert_if_absent(model, values: dict | list[dict], unique: list[str]) -> None:
    """INSERT … ON CONFLICT (unique) DO NOTHING (one row or several), on PostgreSQL and on
    SQLite."""
    db.session.execute(_insert(model).values(values)
                       .on_conflict_do_nothing(index_elements=unique))


def insert_or_none(model, values: dict) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a unique
    constraint or index already holds an equal row. On PostgreSQL the INSERT first waits for
    a racing transaction that inserted an equal row; on SQLite writers take turns. Either way
    the loser's next SELECT sees the winner's row."""
    statement = _insert(model).values(**values).on_conflict_do_nothing().returning(model.id)
    return db.session.execute(statement).scalar()


def upsert(model, values: dict, unique: list[str]) -> None:
    """INSERT … ON CONFLICT (unique) DO UPDATE with the other given columns: the row ends as
    given whether or not another request inserted it a moment before (no 500 on the race)."""
    statement = _insert(model).values(values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=unique,
        set_={name: statement.excluded[name] for name in values if name not in unique}))
