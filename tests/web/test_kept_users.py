"""The signed-in user kept per worker on PostgreSQL (app/services/kept_users.py): a device's
next request is served without the user's statement, and whatever changes the account, its
device, its roles or its notifications — written by this process or by anyone else — acts
on the very next request once the database's notice has arrived."""

from __future__ import annotations

import select as socket_select
import time

import psycopg
import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import User
from app.services import kept_users
from tests.conftest import DEMO_PASSWORD, signed_in_notices
from tests.helpers import user_by_login

FIND = "FROM users JOIN user_sessions"  # the user's statement (devices.find)


def _needs_postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("kept on PostgreSQL only (SQLite: test_nothing_is_kept_on_sqlite)")


def _kept():
    return kept_users.kept_for(db.engine)


def _device(app, login="employee"):
    device = app.test_client()
    response = device.post("/auth/login", data={"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    _settled()
    return device


def _settled() -> None:
    """Wait until every notice of what was committed so far has been read by this worker.

    Signing in writes the device's row; its notice may still be on the way when the next
    request reads and keeps the user, and would then make the request after it read again.
    A marker sent now arrives after it (notices come in the order they were committed)."""
    if db.engine.dialect.name != "postgresql":
        return
    kept = _kept()
    if kept.ready(db.engine) is None:
        return  # not listening: nothing is kept, nothing to wait for
    seen: list[str] = []
    kept.forget_payload = lambda payload: (seen.append(payload),
                                           type(kept).forget_payload(kept, payload))
    try:
        _elsewhere("SELECT pg_notify('sop_signed_in', '0')")  # no account has id 0
        deadline = time.monotonic() + 5
        while "0" not in seen:
            assert time.monotonic() < deadline, "the marker notice never arrived"
            socket_select.select([kept.listener.connection.fileno()], [], [], 0.05)
            kept.ready(db.engine)
    finally:
        del kept.forget_payload


def _finds(count_statements_log, device, url="/learn/"):
    """(status, how many times the user's statement ran) for one request."""
    with count_statements_log() as statements:
        status = device.get(url).status_code
    return status, sum(FIND in statement for statement in statements)


@pytest.fixture
def statements_log(app):
    """Like count_statements, but gives the statements."""
    import contextlib

    from sqlalchemy import event

    @contextlib.contextmanager
    def log():
        seen: list[str] = []

        def before(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return log


def _elsewhere(sql: str, **params) -> None:
    """A write by someone else (another worker, a cron job, psql): not seen by this process's
    own statement events, only by the database's notice."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql, params)


def _notice_arrives() -> None:
    """Wait until the database's notice is on the listening socket (it is sent at commit)."""
    listener = _kept().listener
    assert listener is not None, "not listening"
    ready, _, _ = socket_select.select([listener.connection.fileno()], [], [], 5)
    assert ready, "no notice within 5 s"


def _end_backend(pid: int) -> None:
    """Terminate a server process, as a restart or an administrator would, and wait until it
    has gone (its last words are on its client's socket by then)."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(500):
            if not connection.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                      [pid]).fetchone():
                return
            time.sleep(0.01)
    raise AssertionError("the server process did not end")


def test_a_devices_next_request_reads_no_user(app, demo, statements_log):
    _needs_postgresql()
    device = _device(app)
    assert _finds(statements_log, device) == (200, 1)  # first of this worker: read and kept
    assert _finds(statements_log, device) == (200, 0)
    assert _finds(statements_log, device, "/notifications/") == (200, 0)
    other = _device(app)  # another device of the same person: its own row, its own read
    assert _finds(statements_log, other) == (200, 1)


@pytest.mark.parametrize("change", [
    "UPDATE user_sessions SET ended_at = now() WHERE user_id = %(user)s",  # signed out elsewhere
    "UPDATE users SET active = false WHERE id = %(user)s",                  # deactivated
    "UPDATE users SET session_version = session_version + 1 WHERE id = %(user)s",
    "DELETE FROM user_sessions WHERE user_id = %(user)s",                   # pruned
])
def test_a_change_made_elsewhere_signs_out_on_the_next_request(app, demo, statements_log,
                                                               change):
    _needs_postgresql()
    device = _device(app)
    device.get("/learn/")
    assert _finds(statements_log, device) == (200, 0)  # kept
    _elsewhere(change, user=user_by_login("employee").id)
    _notice_arrives()
    response = device.get("/learn/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_a_role_taken_away_elsewhere_closes_its_pages_at_once(app, demo):
    _needs_postgresql()
    device = _device(app, "supervisor")
    assert device.get("/team/").status_code == 200
    assert device.get("/team/").status_code == 200  # served from what was kept
    _elsewhere("DELETE FROM user_roles WHERE user_id = %(user)s AND role = 'supervisor'",
               user=user_by_login("supervisor").id)
    _notice_arrives()
    assert device.get("/team/").status_code == 403


def test_a_new_notification_rings_the_bell_at_once(app, demo):
    _needs_postgresql()
    device = _device(app)
    user = user_by_login("employee")
    unread = db.session.scalar(text("SELECT count(*) FROM notifications WHERE user_id = :u "
                                    "AND read_at IS NULL"), {"u": user.id})
    device.get("/learn/")
    _elsewhere("INSERT INTO notifications (user_id, kind, key, params, url, created_at) "
               "VALUES (%(user)s, 'reminder', 'kept-users-test', '{}', '', now())",
               user=user.id)
    _notice_arrives()
    page = device.get("/learn/").text
    assert f'data-unread="{unread + 1}"' in page


def test_this_processs_own_writes_act_without_waiting(app, demo, client, auth):
    """An administrator deactivates someone on this worker: that person's next request on
    it is signed out though the notice may not have arrived yet."""
    _needs_postgresql()
    device = _device(app)
    assert device.get("/learn/").status_code == 200
    assert device.get("/learn/").status_code == 200
    user = user_by_login("employee")
    user.active = False
    db.session.commit()  # no waiting for the notice
    assert device.get("/learn/").status_code == 302


def test_when_listening_stops_every_request_reads_its_user(app, demo, statements_log):
    _needs_postgresql()
    device = _device(app)
    device.get("/learn/")
    _end_backend(_kept().listener.connection.info.backend_pid)
    _elsewhere("UPDATE user_sessions SET ended_at = now() WHERE user_id = %(user)s",
               user=user_by_login("employee").id)
    assert device.get("/learn/").status_code == 302  # nothing served from what was kept
    assert _kept().listener is None and not _kept().entries
    again = _device(app)
    assert _finds(statements_log, again) == (200, 1)
    assert _finds(statements_log, again) == (200, 1)  # not listening: nothing kept
    _kept().next_try = 0  # RETRY seconds later
    assert _finds(statements_log, again) == (200, 1)  # listening again, read and kept
    assert _kept().listener is not None
    assert _finds(statements_log, again) == (200, 0)


def test_nothing_is_kept_without_the_triggers(app, demo, statements_log):
    _needs_postgresql()
    kept = _kept()
    kept.stop()
    kept.next_try = 0
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER sop_signed_in_update ON user_roles")
    try:
        device = _device(app)
        assert _finds(statements_log, device) == (200, 1)
        assert _finds(statements_log, device) == (200, 1)
        assert kept.listener is None
    finally:
        with db.engine.begin() as conn:
            for statement in signed_in_notices().statements():
                conn.exec_driver_sql(statement)
        kept.next_try = 0


def test_an_entry_is_never_older_than_max_age(app, demo, statements_log, monkeypatch):
    _needs_postgresql()
    device = _device(app)
    device.get("/learn/")
    assert _finds(statements_log, device) == (200, 0)
    monkeypatch.setattr(kept_users, "MAX_AGE", -1.0)
    assert _finds(statements_log, device) == (200, 1)


def test_a_forked_worker_listens_on_its_own_connection(app, demo, monkeypatch):
    """A listener inherited from the parent process (gunicorn --preload) is left open for the
    parent and never used: the child listens anew and keeps nothing read by the parent."""
    _needs_postgresql()
    device = _device(app)
    device.get("/learn/")
    kept = _kept()
    parent = kept.listener
    assert kept.entries
    monkeypatch.setattr(kept_users.os, "getpid", lambda: parent.pid + 1)
    assert device.get("/learn/").status_code == 200
    assert kept.listener is not parent and not parent.connection.closed
    assert parent in kept.orphans


def _notices_of(statement: str) -> list[str]:
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("LISTEN sop_signed_in")
        listener.execute(statement)
        return [notice.payload for notice in listener.notifies(timeout=1)]


def test_the_notice_names_the_accounts_a_statement_touched(app, demo):
    _needs_postgresql()
    two = {user_by_login("employee").id, user_by_login("supervisor").id}
    [payload] = _notices_of("UPDATE users SET locale = locale "
                            "WHERE login IN ('employee', 'supervisor')")
    assert {int(part) for part in payload.split(",")} == two
    assert _notices_of("UPDATE users SET locale = locale WHERE login = 'nobody'") == []


def test_a_statement_touching_many_accounts_says_everyone(app, demo):
    _needs_postgresql()
    db.session.add_all([User(login=f"bulk{n}", name=f"批量{n}", password_hash="x")
                        for n in range(kept_users.MANY + 1)])
    db.session.commit()
    assert _notices_of("UPDATE users SET locale = locale") == ["*"]
    assert _notices_of("TRUNCATE notifications") == ["*"]


def test_nothing_is_kept_on_sqlite(app, demo, statements_log):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's behaviour")
    assert kept_users.kept_for(db.engine) is None
    device = _device(app)
    assert _finds(statements_log, device) == (200, 1)
    assert _finds(statements_log, device) == (200, 1)


def test_threads_of_one_process_share_what_is_kept(app, demo):
    """A threaded server (`flask run`): requests of several devices at once while notices
    arrive read the listening socket one at a time and never see a half-changed store."""
    _needs_postgresql()
    import threading

    from flask.testing import FlaskClient

    user = user_by_login("employee").id
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    db.session.commit()
    failures: list = []
    devices: list = []

    def browse():
        try:
            device = FlaskClient(app, use_cookies=True)  # its own app context per request
            signed = device.post("/auth/login", data={"login": "employee",
                                                      "password": DEMO_PASSWORD})
            assert signed.status_code == 302
            devices.append(device)
            for _ in range(10):
                status = device.get("/learn/").status_code
                if status != 200:
                    failures.append(status)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))

    def ring():
        with psycopg.connect(url, autocommit=True) as connection:
            for n in range(10):
                connection.execute(
                    "INSERT INTO notifications (user_id, kind, key, params, url, created_at) "
                    "VALUES (%s, 'reminder', %s, '{}', '', now())", [user, f"thread-{n}"])

    threads = [threading.Thread(target=browse) for _ in range(3)]
    threads.append(threading.Thread(target=ring))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    unread = db.session.scalar(text("SELECT count(*) FROM notifications WHERE user_id = :u "
                                    "AND read_at IS NULL"), {"u": user})
    for _ in range(50):  # the last notices are delivered as they were committed
        if f'data-unread="{unread}"' in devices[0].get("/learn/").text:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the bell never showed the notifications written meanwhile")
