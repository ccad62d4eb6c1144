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


def test_another_course_s_lesson_reuses_the_compiled_statements(employee, users_not_kept):
    """Every statement of a lesson view (the user loader; the course meant for them ⋈ its
    lessons ⟕ progress; the first open's INSERT, the bell) takes its values as bound
    parameters and is cacheable: opening another course reuses what the first one compiled
    instead of compiling anew (SQLAlchemy caches by the statement's shape; a literal value
    or an uncacheable construct would miss)."""
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
    assert len(hits) == 4
    assert [statement for hit, statement in hits if hit != CacheStats.CACHE_HIT] == []


def _audience_statements(client, path: str) -> tuple[int, list]:
    """The status of a GET and (cache hit?, parameters) of each audience statement it ran."""
    found: list = []

    def executed(conn, cursor, statement, parameters, context, executemany):
        if "department_chain" in statement:
            found.append((context.cache_hit, parameters))

    event.listen(db.engine, "after_cursor_execute", executed)
    try:
        status = client.get(path).status_code
    finally:
        event.remove(db.engine, "after_cursor_execute", executed)
    return status, found


def test_the_cached_audience_statement_answers_for_each_learner(client, auth, demo):
    """The audience statement is built once per worker and compiled once: a learner outside
    the course's department gets the same cached statement with their own values — and the
    404 (the course does not exist for them), not the previous learner's answer; the first
    learner, in a sub-department of it (the recursive chain), still reads it afterwards."""
    from app.services.content import audience

    make_course("cs", [("a", "A", "x")], departments=("客服中心",))
    path = "/learn/courses/cs/a"
    auth.login("employee")  # 客服中心/网络咨询组
    assert client.get(path).status_code == 200  # compiled here, with the first open
    status, first = _audience_statements(client, path)
    assert status == 200 and [hit for hit, _params in first] == [CacheStats.CACHE_HIT]
    built = dict(audience._FIND_STATEMENTS)
    auth.logout()
    auth.login("10006")  # 前台: a position and a department too, so the same statement
    status, second = _audience_statements(client, path)
    assert status == 404
    # the page's own statement (the audience ⋈ lessons) is the first learner's, compiled;
    # not meant for them, the view then looks among what they were assigned (the audience
    # statement alone, with their assignments: another statement)
    assert second and second[0][0] == CacheStats.CACHE_HIT
    assert second[0][1] != first[0][1]  # the second learner's own values
    auth.logout()
    auth.login("employee")
    status, again = _audience_statements(client, path)
    assert status == 200 and [hit for hit, _params in again] == [CacheStats.CACHE_HIT]
    assert audience._FIND_STATEMENTS == built  # no statement built anew for either learner
