"""The lesson page's statements: bound parameters, reused from SQLAlchemy's compiled cache
(their count is held by test_learning_pages.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from app.extensions import db
from tests.learning_factories import make_course


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def test_another_course_s_lesson_reuses_the_compiled_statements(employee):
    """Every statement of a lesson view (the user loader, the course's audience, its lessons ⟕
    progress, the first open's INSERT, the bell) takes its values as bound parameters and is
    cacheable: opening another course reuses what the first one compiled instead of compiling
    anew (SQLAlchemy caches by the statement's shape; a literal value or an uncacheable
    construct would miss)."""
    make_course("c", [("a", "A", "x")])
    make_course("d", [("a", "A", "y")])
    assert employee.get("/learn/courses/c/a").status_code == 200  # compiles (first open)
    hits: list = []

    def executed(conn, cursor, statement, parameters, context, executemany):
        hits.append((context.cache_hit, statement))

    event.listen(db.engine, "after_cursor_execute", executed)
    try:
        assert employee.get("/learn/courses/d/a").status_code == 200  # first open of d
    finally:
        event.remove(db.engine, "after_cursor_execute", executed)
    assert len(hits) == 5
    assert [statement for hit, statement in hits if hit != CacheStats.CACHE_HIT] == []
