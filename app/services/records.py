"""Append a row unless an equal one exists, safely when two requests race (no savepoints:
SQLite's Python driver commits early on RELEASE SAVEPOINT)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert_if_absent(model, values: dict, unique: list[str]) -> None:
    """INSERT … ON CONFLICT (unique) DO NOTHING, on PostgreSQL and on SQLite."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=unique)
    db.session.execute(statement)
