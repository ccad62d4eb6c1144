"""The team dashboard and its export show the same numbers after the rewrites of issue 15:
department targets matched through a join (session 6), and the status rows read once per
request and counted in Python for every table (session 7). The previous SQL is kept here as
the reference — department targets matched by a correlated EXISTS, and each table's figures
a SQL aggregate of its own statement over the status rows as a plain subquery — and both
paths render the generated bench organisation (tests/bench seed, 30 people, a supervisor of
most of them)."""

from __future__ import annotations

import re

from sqlalchemy import and_, case, distinct, exists, func, or_, select

from app.models import User
from app.models.assignments import Assignment, AssignmentTarget
from app.services.assign import members, status
from app.services.reports import dashboard, filters, team_extra
from tests.bench.seed import seed

STAFF, ATTEMPTS = 30, 3


def _old_assignee_pairs(*where):
    closure = members.department_closure()
    target = AssignmentTarget
    in_department = exists().where(closure.c.ancestor_id == target.department_id,
                                   closure.c.department_id == User.department_id)
    matched = and_(or_(target.user_id.is_(None), target.user_id == User.id),
                   or_(target.position_id.is_(None), target.position_id == User.position_id),
                   or_(target.department_id.is_(None), in_department))
    return (select(Assignment.id.label("assignment_id"), User.id.label("user_id"))
            .select_from(Assignment)
            .join(target, target.assignment_id == Assignment.id)
            .join(User, and_(User.active.is_(True), matched))
            .where(Assignment.cancelled_at.is_(None), *where).distinct())


def _old_status_rows(view, *where):
    people = filters.people_ids(view, owing=False)
    return status.status_query(view.now, Assignment.id.in_(view.assignment_ids),
                               User.id.in_(people), *where,
                               user_filter=people).subquery("rows")


def _old_column_rates(view):
    from app.extensions import db

    rows = _old_status_rows(view)
    counts = [func.sum(case((rows.c.status == s, 1), else_=0)) for s in status.STATUSES]
    return {row[0]: dashboard.Rates(row[1], {s: int(n or 0) for s, n in zip(
        status.STATUSES, row[2:], strict=True)})
        for row in db.session.execute(select(rows.c.assignment_id, func.count(), *counts)
                                      .group_by(rows.c.assignment_id))}


def _old_page_cells(view, assignment_ids, user_ids):
    from app.extensions import db

    return list(db.session.execute(status.status_query(
        view.now, Assignment.id.in_(assignment_ids), User.id.in_(user_ids),
        user_filter=select(User.id).where(User.id.in_(user_ids)))))


def _old_quiz_owing(view, found):
    from app.extensions import db

    rows = _old_status_rows(view, Assignment.kind == "quiz")
    return {quiz_id: (n, passed) for quiz_id, n, passed in db.session.execute(
        select(Assignment.quiz_id, func.count(distinct(rows.c.user_id)),
               func.count(distinct(case((rows.c.status == "completed", rows.c.user_id)))))
        .join(Assignment, Assignment.id == rows.c.assignment_id)
        .group_by(Assignment.quiz_id))}


def _old_training_counts(view, instants):
    from app.extensions import db

    rows = _old_status_rows(view)
    done = [func.sum(case((and_(rows.c.status == "completed", rows.c.done_at < instant), 1),
                          else_=0)) for instant in instants]
    owed, *counts = db.session.execute(select(func.count(), *done)).one()
    return owed, [int(c or 0) for c in counts]


def _use_old_sql(monkeypatch) -> None:
    for module in (status, filters, dashboard):
        monkeypatch.setattr(module, "assignee_pairs", _old_assignee_pairs)
    monkeypatch.setattr(dashboard, "column_rates", _old_column_rates)
    monkeypatch.setattr(dashboard, "owed_assignments", _old_column_rates)
    monkeypatch.setattr(dashboard, "page_cells", _old_page_cells)
    monkeypatch.setattr(dashboard, "quiz_owing", _old_quiz_owing)
    monkeypatch.setattr(team_extra, "training_counts", _old_training_counts)


PAGES = ["/team/dashboard", "/team/dashboard?page=2",
         "/team/dashboard/export?table=matrix&format=csv",
         "/team/dashboard/export?table=quizzes&format=csv",
         "/team/dashboard/export?table=questions&format=csv",
         "/team/dashboard/export?table=results&format=csv"]


def _render(app, credentials: dict, role: str) -> dict[str, str]:
    client = app.test_client()
    client.post("/auth/login", data={"login": credentials[role]["login"],
                                     "password": credentials["password"]})
    found = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = re.sub(r'name="csrf_token"[^>]*>|csrf-token"[^>]*>', "",
                             response.get_data(as_text=True))
    return found


def test_the_dashboard_shows_the_same_numbers_as_the_previous_sql(app, monkeypatch):
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    from app.extensions import db

    pairs = set(db.session.execute(members.assignee_pairs()).all())
    assert len(pairs) > 100
    assert pairs == set(db.session.execute(_old_assignee_pairs()).all())
    for role in ("supervisor", "admin"):
        new = _render(app, seeded.credentials, role)
        with monkeypatch.context() as patched:
            _use_old_sql(patched)
            old = _render(app, seeded.credentials, role)
        assert "data-user=" in new["/team/dashboard"]  # the matrix has people in it
        assert len(new["/team/dashboard/export?table=matrix&format=csv"].splitlines()) > 20
        for path in PAGES:
            assert new[path] == old[path], (role, path)


def test_postgresql_connections_do_not_jit_compile(app):
    """JIT spent 12 s compiling one 0.2 s dashboard statement (docs/performance.md)."""
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
        # exports stream every row of a server-side cursor: planned for all of them
        assert db.session.execute(text("SHOW cursor_tuple_fraction")).scalar() == "1"
    else:
        assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_server_options_in_the_database_url_are_kept_beside_jit_off():
    """A URL's `?options=` (e.g. a search_path, as a migration check uses) is not lost."""
    from app.config import engine_options

    url = "postgresql+psycopg://u@h/db?options=-csearch_path%3Dclinic"
    assert engine_options(url, {})["connect_args"]["options"] == \
        "-c jit=off -c cursor_tuple_fraction=1 -csearch_path=clinic"
    given = {"connect_args": {"options": "-c jit=on"}}
    assert engine_options(url, given)["connect_args"]["options"] == \
        "-c jit=off -c cursor_tuple_fraction=1 -c jit=on"
    assert engine_options("sqlite:///x.db", {}) == {}
