"""The session cookie verified once per worker and the CSRF token signed once per session
(app/web/request_costs.py) behave as Flask's and Flask-WTF's own: an expired, changed or
foreign cookie signs nobody in, a token works on every page of its session only, and what a
request puts in its session is not seen by another request with the same cookie."""

from __future__ import annotations

import re

import pytest
from flask import request

from app.web import request_costs

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
ON = [{"WTF_CSRF_ENABLED": True}]


def _sign_in(client, login="employee"):
    token = CSRF_META.search(client.get("/auth/login").text)
    data = {"login": login, "password": "demo1234"}
    if token:
        data["csrf_token"] = token.group(1)
    assert client.post("/auth/login", data=data).status_code == 302


def _signed_in(client) -> bool:
    return client.get("/learn/", follow_redirects=False).status_code == 200


def test_a_session_older_than_its_lifetime_signs_out_though_its_cookie_was_read_before(
        client, demo, monkeypatch):
    _sign_in(client)
    assert _signed_in(client) and _signed_in(client)  # read, then read from what was kept
    lifetime = client.application.permanent_session_lifetime.total_seconds()
    later = request_costs.time.time() + lifetime + 60
    monkeypatch.setattr(request_costs.time, "time", lambda: later)
    assert not _signed_in(client)


def test_a_changed_session_cookie_signs_nobody_in(client, demo):
    _sign_in(client)
    assert _signed_in(client)
    value = client.get_cookie("session").value
    changed = value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB")
    client.set_cookie("session", changed)
    assert not _signed_in(client)
    client.set_cookie("session", value)
    assert _signed_in(client)


def test_a_cookie_signed_with_another_secret_is_refused(app, client, demo, monkeypatch):
    _sign_in(client)
    assert _signed_in(client)
    monkeypatch.setattr(app, "secret_key", "a-new-secret-after-a-leak-0123456789")
    assert not _signed_in(client)


def test_what_one_request_puts_in_the_session_is_not_seen_with_the_same_old_cookie(app, demo):
    interface = app.session_interface
    first = app.test_client()
    _sign_in(first)
    cookie = first.get_cookie("session").value
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        opened = interface.open_session(app, request)
        opened["note"] = "changed in this request only"
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        again = interface.open_session(app, request)
    assert "note" not in again and again.get("_user_id") == opened.get("_user_id")


def test_a_flashed_message_shows_once(client, auth, demo):
    auth.as_role("employee")
    assert _signed_in(client) and _signed_in(client)
    landed = client.post("/auth/logout", follow_redirects=True).text
    assert landed.count('class="flash ') == 1
    assert 'class="flash ' not in client.get("/auth/login").text


@pytest.mark.parametrize("app", ON, indirect=True)
def test_a_csrf_token_serves_every_page_of_its_session_and_no_other(app, demo):
    one, other = app.test_client(), app.test_client()
    _sign_in(one)
    _sign_in(other)
    tokens = {CSRF_META.search(one.get(path).text).group(1)
              for path in ("/learn/", "/auth/profile")}
    assert len(tokens) == 1
    token = tokens.pop()
    theirs = CSRF_META.search(other.get("/learn/").text).group(1)
    assert theirs != token
    refused = other.post("/auth/logout", data={"csrf_token": token})
    assert refused.status_code == 400 and _signed_in(other)
    assert one.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(one)


def test_what_is_kept_survives_many_threads_at_once():
    """`flask run` serves each request in its own thread: reading, keeping and dropping
    entries at the same moment never fails and never keeps more than its size."""
    import random
    import threading

    kept, failures = request_costs.Kept(size=8), []

    def churn(seed: int) -> None:
        chooser = random.Random(seed)
        try:
            for _ in range(3000):
                key = chooser.randrange(40)
                if kept.get_fresh(key) is None:
                    kept.keep(key, str(key))
        except Exception as error:  # noqa: BLE001 (any failure is the finding)
            failures.append(error)

    threads = [threading.Thread(target=churn, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(kept._items) <= 8
    assert all(kept.get_fresh(key) in (None, str(key)) for key in range(40))


@pytest.mark.parametrize("app", ON, indirect=True)
def test_a_post_is_accepted_with_the_pages_token_only(app, demo):
    client = app.test_client()
    _sign_in(client)
    token = CSRF_META.search(client.get("/learn/").text).group(1)
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for refused in (forged, "", token + "x"):
        reply = client.post("/auth/logout", data={"csrf_token": refused})
        assert reply.status_code == 400 and _signed_in(client), refused
    reply = client.post("/auth/logout", headers={"X-CSRFToken": token})
    assert reply.status_code == 302 and not _signed_in(client)
