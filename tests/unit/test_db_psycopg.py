"""PostgreSQL connections (app/db_psycopg.py): reads run without a transaction until the first
write, a transaction that only read keeps the prepared statements, and everything a
transaction means — rollback of writes, snapshots, row locks — holds as before."""

import psycopg
import pytest
from sqlalchemy import text

from app.db_psycopg import _reads_only, on_its_own
from app.extensions import db


def _needs_postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connections only")


@pytest.mark.parametrize("statement", [
    "SELECT users.id FROM users WHERE users.id = $1",
    "  select count(*) from notifications",
    "WITH RECURSIVE chain(id) AS (SELECT 1) SELECT id FROM chain",
    "SELECT updated_at, deleted_at, offset_minutes FROM t",  # words inside names
])
def test_plain_reads_are_reads(statement):
    assert _reads_only(statement)


@pytest.mark.parametrize("statement", [
    "UPDATE quiz_attempts SET state = 'finished' WHERE id = 1",
    "INSERT INTO t (a) VALUES (1)",
    "WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone",
    "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
    "SELECT id FROM quiz_attempts WHERE id = 1 FOR UPDATE",
    "SELECT id FROM quiz_attempts WHERE id = 1 FOR KEY SHARE",
    "SELECT pg_advisory_xact_lock(42)",
    "SELECT nextval('users_id_seq')",
    "SELECT set_config('search_path', 'x', true)",
    "SELECT * INTO new_table FROM t",
    "/* a comment first */ SELECT 1",
    "SAVEPOINT sa_1",
    b"SELECT 1",  # not a str: not judged
])
def test_anything_that_may_write_or_lock_is_not_a_read(statement):
    assert not _reads_only(statement)


def _raw():
    """A pooled connection of the app's engine, as psycopg sees it."""
    return db.session.connection().connection.dbapi_connection


def test_a_page_that_only_reads_keeps_its_statements_prepared(app, client, auth, demo):
    """psycopg forgets its prepared statements on ROLLBACK; a request that only read ends
    without one, so from the sixth page view on the server no longer plans them."""
    _needs_postgresql()
    auth.as_role("employee")
    db.session.remove()
    db.engine.dispose()  # one connection from here on, as in a gunicorn worker
    for _ in range(8):
        assert client.get("/learn/").status_code == 200
    prepared = db.session.execute(text(
        "SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any("FROM users" in statement for statement in prepared)


def _employee_id() -> int:
    return db.session.scalar(text("SELECT id FROM users WHERE login = 'employee'"))


def test_a_write_is_rolled_back_when_asked(app, demo):
    _needs_postgresql()
    user_id = _employee_id()
    db.session.execute(text("UPDATE users SET name = 'changed' WHERE id = :id"), {"id": user_id})
    assert _raw().info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    db.session.rollback()
    assert db.session.scalar(text("SELECT name FROM users WHERE id = :id"),
                             {"id": user_id}) != "changed"


def test_a_read_before_the_first_write_opens_no_transaction(app, demo):
    _needs_postgresql()
    db.session.scalar(text("SELECT count(*) FROM users"))
    assert _raw().info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    db.session.execute(text("UPDATE users SET name = name WHERE id = :id"),
                       {"id": _employee_id()})
    assert _raw().info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    db.session.rollback()


def _second_connection():
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(url, autocommit=True)


def test_repeatable_read_still_reads_one_snapshot(app, demo):
    """A stricter isolation level (the backup's REPEATABLE READ) begins at the first read."""
    _needs_postgresql()
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        user_id = conn.scalar(text("SELECT id FROM users WHERE login = 'employee'"))
        first = conn.scalar(text("SELECT name FROM users WHERE id = :id"), {"id": user_id})
        with _second_connection() as other:
            other.execute("UPDATE users SET name = 'renamed' WHERE id = %s", (user_id,))
        assert conn.scalar(text("SELECT name FROM users WHERE id = :id"),
                           {"id": user_id}) == first
        conn.rollback()


def test_a_row_lock_holds_until_the_transaction_ends(app, demo):
    _needs_postgresql()
    user_id = _employee_id()
    db.session.commit()
    db.session.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": user_id})
    with _second_connection() as other, pytest.raises(psycopg.errors.LockNotAvailable):
        other.execute("SELECT id FROM users WHERE id = %s FOR UPDATE NOWAIT", (user_id,))
    db.session.rollback()


def _name_seen_by_others(user_id: int) -> str:
    with _second_connection() as other:
        return other.execute("SELECT name FROM users WHERE id = %s", (user_id,)).fetchone()[0]


def test_a_write_on_its_own_is_committed_by_itself_and_sends_no_begin(app, demo):
    """Before any transaction, a statement run `on_its_own` is its own transaction: another
    connection sees it at once, no transaction is left open, and the request's COMMIT then
    has nothing to send."""
    _needs_postgresql()
    user_id = _employee_id()
    connection = db.session.connection()
    with on_its_own(connection) as alone:
        connection.execute(text("UPDATE users SET name = 'alone' WHERE id = :id"),
                           {"id": user_id})
    assert alone
    assert _raw().info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert _name_seen_by_others(user_id) == "alone"
    db.session.execute(text("UPDATE users SET name = 'after' WHERE id = :id"), {"id": user_id})
    assert _raw().info.transaction_status == psycopg.pq.TransactionStatus.INTRANS  # as before
    db.session.rollback()
    assert _name_seen_by_others(user_id) == "alone"


def test_a_write_on_its_own_inside_a_transaction_stays_in_it(app, demo):
    """Once the request has written, `on_its_own` changes nothing: a rollback undoes both."""
    _needs_postgresql()
    user_id = _employee_id()
    before = _name_seen_by_others(user_id)
    db.session.execute(text("UPDATE users SET email = email WHERE id = :id"), {"id": user_id})
    connection = db.session.connection()
    with on_its_own(connection):
        connection.execute(text("UPDATE users SET name = 'inside' WHERE id = :id"),
                           {"id": user_id})
    assert _name_seen_by_others(user_id) == before
    db.session.rollback()
    assert db.session.scalar(text("SELECT name FROM users WHERE id = :id"),
                             {"id": user_id}) == before


def test_the_app_s_cursor_is_used_unless_the_operator_gives_one():
    from app.config import engine_options
    from app.db_psycopg import ReadAwareCursor

    url = "postgresql+psycopg://u@h/db"
    assert engine_options(url, {})["connect_args"]["cursor_factory"] is ReadAwareCursor
    own = {"connect_args": {"cursor_factory": psycopg.ClientCursor}}
    assert engine_options(url, own)["connect_args"]["cursor_factory"] is psycopg.ClientCursor


def test_a_long_statement_is_converted_once_and_still_answers_right(app, demo, monkeypatch):
    """交卷's one statement is longer than psycopg keeps conversions of (4 KB, 50 parameters):
    the app's cursor keeps it, and each execution still binds its own values."""
    _needs_postgresql()
    from psycopg import _queries

    from app import db_psycopg

    converted: list[bytes] = []
    original = _queries._query2pg_nocache

    def counting(query, encoding):
        converted.append(query)
        return original(query, encoding)

    monkeypatch.setattr(_queries, "_query2pg_nocache", counting)
    db_psycopg._converted_long.cache_clear()
    names = [f"p{n}" for n in range(60)]  # more parameters than psycopg's limit
    statement = ("SELECT " + " + ".join(f"CAST(:{name} AS integer)" for name in names)
                 + " /* " + "x" * 4096 + " */")  # and longer than its 4 KB
    for first in (1, 100, 10_000):
        values = {name: first + n for n, name in enumerate(names)}
        assert db.session.scalar(text(statement), values) == sum(values.values())
    assert len(converted) == 1
    huge = statement + " " * db_psycopg.LONG_MAX  # too long to keep: converted every time
    for _ in range(2):
        assert db.session.scalar(text(huge), dict.fromkeys(names, 1)) == 60
    assert len(converted) == 3
