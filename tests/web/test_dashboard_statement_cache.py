"""The dashboard's status statement is built once per process with the request's values as
bound parameters (`reports.status_rows`). A cached statement must carry nothing of the
request that built it: two supervisors of different departments, one after the other in
the same process, each see their own people and the same figures as with a statement built
afresh for them — for people given as a list and as a SELECT (an organisation past
`scope.RESOLVE_LIMIT`), with and without filters."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine.interfaces import CacheStats

from app.extensions import db
from app.models import Department, User, department_leads
from app.services.assign import status
from app.services.reports import filters, status_rows
from app.services.scope import led_department_ids
from tests.bench.seed import seed

STAFF, ATTEMPTS = 30, 3


def _forget_statements():
    status.listed_status_query.cache_clear()
    status_rows._selected_status_query.cache_clear()


def _export(app, login: str, password: str, query: str = "") -> list[list[str]]:
    client = app.test_client()
    client.post("/auth/login", data={"login": login, "password": password})
    response = client.get(f"/team/dashboard/export?table=matrix&format=csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.mark.parametrize("people", ["listed", "selected"])
def test_two_supervisors_one_after_the_other_see_their_own_figures(app, monkeypatch, people):
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    password = seeded.credentials["password"]
    first = seeded.credentials["supervisor"]["login"]
    first_id = seeded.credentials["supervisor"]["id"]
    second = db.session.scalar(
        select(User.login).join(department_leads, department_leads.c.user_id == User.id)
        .where(User.id != first_id).order_by(User.id).limit(1))
    assert second is not None
    if people == "selected":  # as past RESOLVE_LIMIT: the people selected in the statement
        monkeypatch.setattr(filters, "resolved_ids", lambda query: query)
    lead = db.session.scalar(select(User).where(User.login == second))
    sub = db.session.scalar(  # a sub-department of theirs with people
        select(Department.id).join(User, User.department_id == Department.id)
        .where(Department.parent_id.in_(led_department_ids(lead))).limit(1))
    filtered = f"&department={sub}&position={lead.position_id}"

    fresh = {}
    for login in (first, second):
        for query in ("", filtered):
            _forget_statements()
            fresh[login, query] = _export(app, login, password, query)
    # now reuse the statements: every request after the first finds them cached
    _forget_statements()
    for login in (second, first):
        for query in ("", filtered):
            assert _export(app, login, password, query) == fresh[login, query], (login, query)

    mine = {row[0] for row in fresh[first, ""][1:]}
    theirs = {row[0] for row in fresh[second, ""][1:]}
    assert mine and theirs and mine != theirs  # different teams: a leaked scope shows
    assert len(fresh[second, filtered]) < len(fresh[second, ""])


def test_the_cached_statement_is_compiled_once(app):
    """The compiled form is found in SQLAlchemy's cache on the next request."""
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    client = app.test_client()
    client.post("/auth/login", data={"login": seeded.credentials["supervisor"]["login"],
                                     "password": seeded.credentials["password"]})
    client.get("/team/dashboard")
    hits = []

    def after(conn, cursor, statement, params, context, many):
        if "quiz_stats" in statement:
            hits.append(context.cache_hit)

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        assert client.get("/team/dashboard").status_code == 200
        assert client.get("/team/dashboard?page=2").status_code == 200
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    assert len(hits) == 2
    assert hits == [CacheStats.CACHE_HIT] * 2, hits
