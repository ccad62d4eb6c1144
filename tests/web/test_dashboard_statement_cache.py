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
from app.models.assignments import Assignment
from app.models.base import utcnow
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


def _status_statement(client, path: str = "/team/dashboard") -> tuple[str, dict]:
    found = []

    def before(conn, cursor, statement, params, context, many):
        if "quiz_stats" in statement or "pairs" in statement and "status" in statement:
            found.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert len(found) == 1, [s[:80] for s, _ in found]
    return found[0]


def test_the_status_statement_joins_only_the_progress_of_the_kinds_in_view(app):
    """The generated organisation assigns courses, quizzes and SOP modules: the statement
    leaves out the progress of paths (every kind's again), surveys and classes, and with a
    quiz chosen it joins the quizzes' only; each kind's progress only for the items
    assigned — the same rows as the statement of every kind and item."""
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    client = app.test_client()
    client.post("/auth/login", data={"login": seeded.credentials["supervisor"]["login"],
                                     "password": seeded.credentials["password"]})
    statement, _params = _status_statement(client)
    for absent in ("path_item_rows", "survey_completions", "class_enrolments"):
        assert absent not in statement, absent
    for present in ("quiz_stats", "lesson_progress", "acknowledgements"):
        assert present in statement, present
    quiz = db.session.scalar(select(Assignment.id).where(Assignment.kind == "quiz",
                                                         Assignment.cancelled_at.is_(None))
                             .order_by(Assignment.id).limit(1))
    chosen, _params = _status_statement(client, f"/team/dashboard?assignment={quiz}")
    assert "quiz_stats" in chosen and "lesson_progress" not in chosen
    assert "acknowledgements" not in chosen

    view = _view(seeded.credentials["supervisor"]["id"])
    narrowed, params = status_rows.view_status(view)
    kinds = status.kinds_of(db.session.scalars(
        select(Assignment).where(Assignment.id.in_(params["status_assignments"]))))
    assert kinds == ("course", "quiz", "sop")
    assert narrowed is status.listed_status_query((), kinds)
    in_view = list(db.session.scalars(select(Assignment).where(
        Assignment.id.in_(params["status_assignments"]))))
    # each kind's progress only for the items assigned (the team's other attempts unread)
    assert params["status_items_quiz"] == sorted({a.quiz_id for a in in_view if a.quiz_id})
    rows = sorted(db.session.execute(narrowed, params).all())
    assert rows and rows == sorted(db.session.execute(status.listed_status_query(),
                                                      params).all())


def _view(user_id: int) -> filters.View:
    return filters.make_view(db.session.get(User, user_id), filters.Filters(), utcnow())


def test_on_postgresql_the_status_statement_reads_the_same_for_any_team(app):
    """PostgreSQL gets each list of ids as one array parameter (`= ANY`): two supervisors
    with teams of different sizes send the same text, which the server can prepare once
    (SQLite, without arrays, gets one parameter per id)."""
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    password = seeded.credentials["password"]
    first_id = seeded.credentials["supervisor"]["id"]
    second = db.session.scalar(
        select(User).join(department_leads, department_leads.c.user_id == User.id)
        .where(User.id != first_id).order_by(User.id).limit(1))
    texts, sizes = [], []
    for login in (seeded.credentials["supervisor"]["login"], second.login):
        client = app.test_client()
        client.post("/auth/login", data={"login": login, "password": password})
        texts.append(_status_statement(client)[0])
        user_id = db.session.scalar(select(User.id).where(User.login == login))
        sizes.append(len(status_rows.view_status(_view(user_id))[1]["status_people"]))
    assert sizes[0] != sizes[1]
    if db.engine.dialect.name == "postgresql":
        assert texts[0] == texts[1]
        assert "status_people_1" not in texts[0]
    else:
        assert texts[0] != texts[1]
