"""A team member's record reads that person's history only (issue 15): its statements are a
fixed number whatever the size of the organisation or of the history, and none of them reads
another person's attempts, lesson progress, acknowledgements, runs, results, wrong-question
book or certificates — guarded by the plan on both databases (PostgreSQL: EXPLAIN ANALYZE
with sequential scans off; SQLite: EXPLAIN QUERY PLAN).

The generated organisation (tests/bench seed, 30 people) gives everyone a history, so a
statement that read by anything wider than the person would read other people's rows. The
header's counters (阅卷: the whole team's waiting answers) are the page frame's, not the
record's, and are left out."""

from __future__ import annotations

from sqlalchemy import event, func, select

from app.extensions import db
from app.models import (
    Acknowledgement,
    Certificate,
    LessonProgress,
    MetricResult,
    PracticeRun,
    QuizAttempt,
    WrongQuestion,
)
from tests.bench.seed import seed

STAFF, ATTEMPTS = 30, 3
HISTORY = {"quiz_attempts": QuizAttempt, "lesson_progress": LessonProgress,
           "acknowledgements": Acknowledgement, "practice_runs": PracticeRun,
           "metric_results": MetricResult, "wrong_questions": WrongQuestion,
           "certificates": Certificate}
HEADER = "notifications"  # the header's counters: one statement, the bell's table in it
# the supervisor's view of a member's record, statement by statement:
# the viewer (user ⋈ device ⟕ roles); the scope check (led departments, the department tree,
# the member, their roles); what they owe (the status statement) and its titles; attempts ⋈
# quiz; exams owed but never tried; courses; acknowledgements; runs and their reviews; the
# metrics and the person's results; certificates; the wrong-question book; the points rules;
# the points tally; the header's counters; the member's position and department
SUPERVISOR_VIEW = 22


def _record_statements(app) -> tuple[list[tuple[str, object]], int]:
    """(the statements of the supervisor's view of the employee's record, the employee)."""
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    credentials = seeded.credentials
    client = app.test_client()
    client.post("/auth/login", data={"login": credentials["supervisor"]["login"],
                                     "password": credentials["password"]})
    person = credentials["employee"]["id"]
    path = f"/team/members/{person}/record"
    client.get(path)  # warm: the same statements every time after
    found = []

    def before(conn, cursor, statement, params, *args):
        found.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.get(path)
        assert response.status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return found, person


def test_the_supervisors_view_of_a_record_runs_a_fixed_set_of_statements(app, users_not_kept):
    statements, _person = _record_statements(app)
    assert len(statements) == SUPERVISOR_VIEW, [" ".join(s.split())[:80] for s, _ in statements]
    # the header's counters; the bell's count also comes with the signed-in user's row
    assert sum(HEADER in s and "user_sessions" not in s for s, _ in statements) == 1


def _own_rows(person: int) -> dict[str, tuple[int, int]]:
    """table → (the person's rows, everyone's rows)."""
    return {name: (db.session.scalar(select(func.count()).select_from(model)
                                     .where(model.user_id == person)),
                   db.session.scalar(select(func.count()).select_from(model)))
            for name, model in HISTORY.items()}


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _rows_read_pg(statement: str, params) -> dict[str, int]:
    """table → the most rows one execution of a scan of it read (returned + removed by a
    filter or a recheck), with sequential scans off so that an index is used if it can be."""
    connection = db.session.connection()
    # Statistics, as autovacuum keeps them on a live database: without them the planner may
    # take any index of a 91-row table (the state index, filtering the person's rows).
    connection.exec_driver_sql("ANALYZE " + ", ".join(HISTORY))
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


def _scans_sqlite(statement: str, params) -> list[str]:
    """The plan's lines that walk a history table (or one of its indexes) instead of
    searching it by a key."""
    plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                   params).all()
    return [row[-1] for row in plan
            if any(row[-1].startswith(f"SCAN {table}") for table in HISTORY)]


def test_a_record_reads_only_that_persons_history(app):
    statements, person = _record_statements(app)
    own = _own_rows(person)
    for table in ("quiz_attempts", "lesson_progress", "acknowledgements", "practice_runs",
                  "metric_results"):
        mine, everyone = own[table]
        assert 0 < mine < everyone, table  # the others have history of their own
    checked = 0
    for statement, params in statements:
        if HEADER in statement or not any(table in statement for table in HISTORY):
            continue
        checked += 1
        if db.engine.dialect.name == "postgresql":
            read = _rows_read_pg(statement, params)
            for table, (mine, _everyone) in own.items():
                assert read[table] <= mine, (table, read[table], mine, statement[:300])
            db.session.rollback()
        else:
            assert _scans_sqlite(statement, params) == [], statement[:300]
    assert checked >= 9  # owed, attempts, courses, acks, runs, reviews, results, book, …
