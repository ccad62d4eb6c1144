"""Team reports start from the viewer's scope (issue 15): the status of each (assignment,
person) pair is computed once per request, only for the people in view, and the statement
that computes it reads no one else's history — guarded by the plan on both databases.

The generated organisation (tests/bench seed, 30 people) has one hospital whose departments
`bench-sup` leads (about two thirds of the people); the others, outside the supervisor's
scope, have attempts, lesson progress and acknowledgements of their own."""

from __future__ import annotations

from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Acknowledgement, LessonProgress, QuizAttempt, User
from app.services.scope import led_department_ids
from tests.bench.seed import seed

STAFF, ATTEMPTS = 30, 3
HISTORY = {"quiz_attempts": QuizAttempt, "lesson_progress": LessonProgress,
           "acknowledgements": Acknowledgement}
STATUS_SIGNATURE = "quiz_stats"  # only the status statement aggregates attempts so


def _signed_in(app, role: str):
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    client = app.test_client()
    client.post("/auth/login", data={"login": seeded.credentials[role]["login"],
                                     "password": seeded.credentials["password"]})
    return client, seeded.credentials


def _status_statements(client, path: str) -> list[tuple[str, object]]:
    """The status statements (with their parameters) a request runs."""
    found = []

    def before(conn, cursor, statement, params, *args):
        if STATUS_SIGNATURE in statement:
            found.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.get(path)
        assert response.status_code == 200, path
        response.get_data()
        response.close()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return found


def test_a_dashboard_request_computes_the_team_status_once(app):
    client, _credentials = _signed_in(app, "supervisor")
    # the columns, the matrix's cells, the quiz table and the training trend share one
    assert len(_status_statements(client, "/team/dashboard")) == 1
    assert len(_status_statements(client, "/team/dashboard?page=2")) == 1
    # the matrix export streams its own (the headers need no status)
    assert len(_status_statements(client, "/team/dashboard/export?format=xlsx")) == 1


def _scoped_counts(supervisor_id: int) -> dict[str, tuple[int, int]]:
    """table → (rows of the supervisor's people, rows of everyone)."""
    scope = led_department_ids(db.session.get(User, supervisor_id))
    team = select(User.id).where(User.department_id.in_(scope))
    return {name: (db.session.scalar(select(func.count()).select_from(model)
                                     .where(model.user_id.in_(team))),
                   db.session.scalar(select(func.count()).select_from(model)))
            for name, model in HISTORY.items()}


def _crowd_outside(supervisor_id: int, copies: int = 20) -> None:
    """Give the people outside the team twenty times their finished attempts, then gather
    statistics, as on a live database: in a clinic group a team is a small part of the
    history. (In the generated 30 people the team holds 63 of 93 attempts; with statistics
    the planner rightly reads all 93 through another index rather than probe 63, and without
    them the plan hangs on what earlier tests left in pg_statistic.)"""
    scope = led_department_ids(db.session.get(User, supervisor_id))
    team = select(User.id).where(User.department_id.in_(scope))
    table = QuizAttempt.__table__
    rows = [dict(row) for row in db.session.execute(
        select(table).where(table.c.user_id.not_in(team), table.c.state == "finished"))
        .mappings()]
    db.session.execute(table.insert(), [
        {**{k: v for k, v in row.items() if k != "id"}, "number": row["number"] + 1000 * n}
        for n in range(1, copies + 1) for row in rows])
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE " + ", ".join(HISTORY))


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _rows_read_pg(statement: str, params) -> dict[str, int]:
    """table → the most rows one execution of a scan of it read (returned + removed by a
    filter or a recheck; a scan repeated in a loop reads the same people's rows again), with
    sequential scans off so that a scope the planner can use is used."""
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement,
                                      params).scalar()[0]["Plan"]
    read = dict.fromkeys(HISTORY, 0)
    for node in _plan_nodes(plan):
        table = node.get("Relation Name")
        if table in read and node.get("Actual Loops"):
            rows = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                    + node.get("Rows Removed by Index Recheck", 0))
            read[table] = max(read[table], rows)
    return read


def _full_scans_sqlite(statement: str, params) -> list[str]:
    """The plan's lines that read a history table without an index."""
    plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                   params).all()
    return [row[-1] for row in plan
            if any(f"SCAN {table}" in row[-1] and "USING" not in row[-1]
                   for table in HISTORY)]


PROGRESS = ("course_progress", "quiz_progress", "sop_progress", "practice_progress")


def _progress_scanned_sqlite(statement: str, params) -> list[str]:
    """The plan's lines that scan a kind's progress subquery once per (assignment, person)
    pair instead of searching it (an automatic index): the cost then grows with the pairs
    times the team's progress rows (a quiz's rules joined inside the subquery did this:
    150 ms of a 10,000-staff export)."""
    plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                   params).all()
    return [row[-1] for row in plan if any(row[-1].startswith(f"SCAN {name}")
                                           for name in PROGRESS)]


def test_the_status_statement_reads_only_the_history_of_the_people_in_view(app):
    client, credentials = _signed_in(app, "supervisor")
    counts = _scoped_counts(credentials["supervisor"]["id"])
    for mine, everyone in counts.values():
        assert 0 < mine < everyone  # people outside the scope have history of their own
    if db.engine.dialect.name == "postgresql":
        _crowd_outside(credentials["supervisor"]["id"])
    for path in ("/team/dashboard", "/team/assignments", "/team/dashboard/export?format=xlsx"):
        statements = _status_statements(client, path)
        assert statements, path
        for statement, params in statements:
            if db.engine.dialect.name == "postgresql":
                read = _rows_read_pg(statement, params)
                for table, (mine, _everyone) in counts.items():
                    assert read[table] <= mine, (path, table, read[table], mine)
                db.session.rollback()
            else:
                assert _full_scans_sqlite(statement, params) == [], path
                assert _progress_scanned_sqlite(statement, params) == [], path
