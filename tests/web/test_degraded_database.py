"""The database goes away while people are signed in (docs/degraded-modes.md): a Chinese
"try again later" page with 503, drawn without the database, no traceback; a bug is still a
500 (tests/web/test_errors_and_health.py)."""

from __future__ import annotations

import contextlib

import pytest

from app.extensions import db


@contextlib.contextmanager
def database_down(monkeypatch):
    """Every new connection is refused, as when the database server is stopped."""
    dbapi = db.engine.dialect.loaded_dbapi

    def refuse(*args, **kwargs):
        raise dbapi.OperationalError("connection refused (the test stopped the database)")

    db.session.remove()
    with monkeypatch.context() as patch:
        patch.setattr(db.engine.dialect, "connect", refuse)
        db.engine.dispose()
        yield
    db.engine.dispose()


@pytest.mark.parametrize("path", ["/learn/", "/", "/notifications/"])
def test_a_signed_in_user_gets_a_chinese_503_page(client, auth, demo, monkeypatch, path):
    auth.as_role("employee")
    with database_down(monkeypatch):
        page = client.get(path)
    assert page.status_code == 503
    assert "服务暂时不可用，请稍后再试" in page.text
    assert page.headers["Retry-After"] == "30"
    for leak in ("Traceback", "OperationalError", "connection refused", "Internal Server Error"):
        assert leak not in page.text
    assert 'data-testid="profile-link"' not in page.text  # the header did not load the user
    assert client.get("/learn/").status_code == 200  # back: still signed in


def test_signing_in_while_the_database_is_down(client, demo, monkeypatch):
    with database_down(monkeypatch):
        assert client.get("/auth/login").status_code == 200  # the form needs no database
        answer = client.post("/auth/login", data={"login": "employee", "password": "demo1234"})
    assert answer.status_code == 503 and "服务暂时不可用" in answer.text


def test_the_api_answers_json_503(client, demo, monkeypatch):
    with database_down(monkeypatch):
        answer = client.get("/api/v1/users", headers={"Authorization": "Bearer x" * 1})
    assert answer.status_code == 503
    assert answer.json["error"]["code"] == "unavailable"


def test_english_speakers_get_it_in_english(client, auth, demo, monkeypatch):
    auth.as_role("employee")
    client.post("/auth/language", data={"lang": "en"})
    with database_down(monkeypatch):
        page = client.get("/learn/")
    assert page.status_code == 503 and "temporarily unavailable" in page.text


def test_readyz_is_503_and_healthz_still_ok(client, monkeypatch):
    with database_down(monkeypatch):
        ready, health = client.get("/readyz"), client.get("/healthz")
    assert ready.status_code == 503 and ready.json["checks"]["database"] == "unavailable"
    assert health.status_code == 200 and health.text == "ok"


@pytest.mark.fresh_app  # adds a route
@pytest.mark.parametrize("role,status,sentence", [
    ("supervisor", 503, "服务暂时不可用"),  # the header's counters need the database: the 503 page
    ("employee", 500, "出错了"),  # the bell's count came with the user: the 500 page, drawn
])
def test_a_bug_while_the_database_goes_away_is_still_a_chinese_page(app, client, auth, demo,
                                                                     monkeypatch, role,
                                                                     status, sentence):
    @app.get("/bug-then-outage-for-test")
    def bug():
        db.session.close()  # the user stays loaded; the connection goes back to be closed
        db.engine.dispose()
        monkeypatch.setattr(db.engine.dialect, "connect", _refuse)
        raise RuntimeError("a bug")

    auth.as_role(role)
    page = client.get("/bug-then-outage-for-test")
    monkeypatch.undo()
    assert page.status_code == status and sentence in page.text
    assert "Traceback" not in page.text and "a bug" not in page.text


def _refuse(*args, **kwargs):
    raise db.engine.dialect.loaded_dbapi.OperationalError("connection refused")
