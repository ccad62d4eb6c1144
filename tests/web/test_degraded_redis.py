"""Redis down (docs/degraded-modes.md): sign-in and certificate checks keep working, the rate
limits are counted in memory instead, and /readyz says Redis is unavailable."""

from __future__ import annotations

import logging

import pytest

from app.extensions import limiter

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.fixture
def redis_down(make_app):
    """An app whose REDIS_URL points at a closed port. The limiter is one object for every
    app of the process: its state is put back afterwards for the other tests."""
    saved = dict(vars(limiter))
    try:
        with make_app(REDIS_URL=CLOSED_PORT, RATELIMIT_STORAGE_URI=CLOSED_PORT,
                      RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1}) as app:
            from tests.conftest import FreshContextClient

            app.test_client_class = FreshContextClient
            yield app
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)


def _demo():
    from app.services.demo import seed_demo
    from tests.helpers import TEST_HASH

    seed_demo(TEST_HASH)


def test_sign_in_works_and_failures_are_still_limited_in_memory(redis_down, caplog):
    _demo()
    client = redis_down.test_client()
    with caplog.at_level(logging.WARNING):
        signed_in = client.post("/auth/login", data={"login": "employee",
                                                     "password": "demo1234"})
    assert signed_in.status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    other = redis_down.test_client()
    codes = [other.post("/auth/login", data={"login": "admin", "password": "wrong"}).status_code
             for _n in range(11)]
    assert codes == [200] * 10 + [429]


def test_certificate_verification_works_and_is_limited(redis_down):
    redis_down.config["CERTIFICATE_VERIFY_LIMIT"] = "3 per minute"
    client = redis_down.test_client()
    codes = [client.get("/certificates/verify", query_string={"code": "abc"}).status_code
             for _n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_readyz_says_redis_is_unavailable_and_stays_200(redis_down):
    response = redis_down.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "checks": {
        "database": "ok", "redis": "unavailable", "uploads": "ok"}}


def test_readyz_reports_an_upload_folder_it_cannot_write(app, client, monkeypatch, tmp_path):
    from app.services import health

    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")  # not created yet: its parent counts
    assert client.get("/readyz").json == {"status": "ok", "checks": {
        "database": "ok", "uploads": "ok"}}
    # (the tests run as root, whom a read-only folder does not stop: access(2) says no)
    monkeypatch.setattr(health.os, "access", lambda path, mode: False)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "checks": {
        "database": "ok", "uploads": "not_writable"}}


def test_readyz_reports_low_disk_space(app, client):
    app.config["READYZ_MIN_FREE_MB"] = 10 ** 12  # more than any disk has
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["checks"]["uploads"] == "low_space"
