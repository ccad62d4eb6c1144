"""The database server closes the app's connections (a restart, a failover, an administrator's
`pg_terminate_backend`): the next pages load as before, without the round trip per request of
`pool_pre_ping` (app/db_liveness.py)."""

import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

from app import db_liveness
from app.extensions import db

pytestmark = pytest.mark.fresh_app


def _needs_a_server():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server that could close a connection")


def _close_every_connection_of_the_app() -> int:
    """As a restart does: end every other session on the app's database; wait until they are
    gone. Returns how many were ended."""
    url = make_url(str(db.engine.url)).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
        for _ in range(100):
            left = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'").fetchone()[0]
            if not left:
                break
            time.sleep(0.05)
    return ended


def test_pages_load_after_the_server_closed_every_connection(app, client, auth, demo):
    _needs_a_server()
    auth.as_role("employee")
    before = client.get("/learn/")
    assert before.status_code == 200
    db.session.remove()  # the test's own connection back to the pool too
    assert _close_every_connection_of_the_app() >= 1

    for _ in range(3):  # each pooled connection the pool hands out is checked, not used dead
        after = client.get("/learn/")
        assert after.status_code == 200
        assert "我的学习" in after.get_data(as_text=True)


def test_a_connection_idle_for_long_is_pinged_before_use(app, client, auth, demo, monkeypatch):
    """A connection dropped without a word (no FIN: a firewall's idle timeout) leaves its
    socket quiet; past IDLE_PING_SECONDS the real ping finds it dead and the pool replaces it."""
    _needs_a_server()
    auth.as_role("employee")
    assert client.get("/learn/").status_code == 200
    db.session.remove()
    _close_every_connection_of_the_app()
    monkeypatch.setattr(db_liveness, "_readable", lambda _fileno: False)  # the quiet socket
    monkeypatch.setattr(db_liveness, "IDLE_PING_SECONDS", 0.0)

    after = client.get("/learn/")
    assert after.status_code == 200
    assert "我的学习" in after.get_data(as_text=True)


def test_a_busy_connection_is_not_pinged(app, client, auth, demo, monkeypatch):
    """Between requests in quick succession the check is a poll of the socket: no `SELECT 1`
    round trip before the page's own statements (what `pool_pre_ping` cost every request)."""
    _needs_a_server()
    auth.as_role("employee")
    client.get("/learn/")
    pinged = []
    original = db_liveness._ping
    monkeypatch.setattr(db_liveness, "_ping", lambda conn: (pinged.append(1), original(conn)))
    checked = []
    monkeypatch.setattr(db_liveness, "_readable",
                        lambda fileno: (checked.append(fileno), False)[1])

    assert client.get("/learn/").status_code == 200
    assert checked and not pinged
