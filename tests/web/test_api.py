"""/api/v1: token auth and scopes, keyset pages (complete, stable), updated_since, bad
parameters as JSON 400s, and a constant number of statements per page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import ApiToken, User
from app.models.base import utcnow
from app.services import api_tokens
from app.services.bi.registry import RESOURCES
from tests.learning_factories import person
from tests.web.api_helpers import API, add_users, bearer, get, make_token, walk

PATHS = [resource.name for resource in RESOURCES]


def _unauthorized(response, invalid: bool):
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer") and ('invalid_token' in challenge) is invalid


@pytest.mark.parametrize("path", PATHS)
def test_every_list_needs_a_token(client, demo, path):
    _unauthorized(client.get(f"{API}/{path}"), invalid=False)
    _unauthorized(client.get(f"{API}/{path}", headers={"Authorization": "Basic YTpi"}), False)
    _unauthorized(client.get(f"{API}/{path}", headers=bearer("sopa_nope")), invalid=True)


def test_a_signed_in_session_is_no_token(client, auth, demo):
    auth.as_role("admin")
    _unauthorized(client.get(f"{API}/users"), invalid=False)


def test_a_revoked_token_is_refused_at_once(client, demo):
    secret = make_token()
    assert get(client, "users", secret).status_code == 200
    token = db.session.scalar(select(ApiToken))
    api_tokens.revoke(person("admin"), token, utcnow())
    db.session.commit()
    _unauthorized(get(client, "users", secret), invalid=True)


def test_a_token_reads_only_its_scopes(client, demo):
    secret = make_token(["users", "kpis"])
    assert get(client, "users", secret).status_code == 200
    assert get(client, "kpis", secret).status_code == 200
    for path in ("departments", "assignments", "assignments/status", "attempts", "runs",
                 "results"):
        response = get(client, path, secret)
        assert response.status_code == 403, path
        assert response.json["error"]["code"] == "forbidden"


def test_using_a_token_records_when(client, demo):
    secret = make_token()
    get(client, "users", secret)
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_the_openapi_document_is_public(client, app):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.")
    assert {f"/{p}" for p in PATHS} == set(response.json["paths"])


def test_pages_are_complete_and_in_key_order(client, demo):
    add_users(23)
    secret = make_token(["users"])
    everyone = list(db.session.scalars(select(User.id).order_by(User.updated_at, User.id)))
    rows = walk(client, "users", secret, limit=5)
    assert [row["id"] for row in rows] == everyone
    assert len(everyone) == 35  # the 12 demo people and 23 more
    assert all("password" not in key for row in rows for key in row)


def test_pages_stay_stable_while_rows_change(client, demo):
    """Between the second and third page: a row already read changes, an unread one
    changes, a new one arrives. Unchanged rows come exactly once, none is skipped; a changed
    row comes (again) at the end with its new values, so a client that upserts by id ends
    up with the newest state."""
    add_users(23)
    secret = make_token(["users"])
    before = set(db.session.scalars(select(User.id)))
    changed: dict[str, int] = {}

    def meanwhile(rows: list[dict]):
        if len(rows) != 10:
            return
        unread = max(before - {row["id"] for row in rows})
        changed.update(read=rows[0]["id"], unread=unread, new=add_users(1, "late")[0])
        for user_id in (changed["read"], unread):
            db.session.get(User, user_id).name = "改过名"
        db.session.commit()

    rows = walk(client, "users", secret, limit=5, between=meanwhile)
    ids = [row["id"] for row in rows]
    assert before <= set(ids)  # nothing skipped
    assert all(ids.count(i) == 1 for i in before - {changed["read"]})  # no duplicates
    assert ids.count(changed["new"]) == 1
    assert ids.count(changed["read"]) == 2
    last = max(n for n, row in enumerate(rows) if row["id"] == changed["read"])
    assert rows[last]["name"] == "改过名" and last >= len(rows) - 3


def _set_updated(user_ids: list[int], moment: datetime) -> None:
    db.session.execute(update(User).where(User.id.in_(user_ids)).values(updated_at=moment))
    db.session.commit()


def test_updated_since_returns_only_rows_changed_at_or_after(client, demo):
    old, recent = add_users(3, "old"), add_users(4, "new")
    everyone = list(db.session.scalars(select(User.id)))
    since = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    _set_updated(everyone, since - timedelta(days=30))
    _set_updated(recent[:3], since + timedelta(hours=1))
    _set_updated(recent[3:], since)  # exactly at the moment: included
    _set_updated(old, since - timedelta(microseconds=1))
    secret = make_token(["users"])
    for spelled in ("2026-03-01T08:00:00Z", "2026-03-01T16:00:00+08:00",
                    "2026-03-01T08:00:00.000000+00:00", "2026-03-01t08:00:00z"):
        rows = walk(client, "users", secret, limit=2, updated_since=spelled)
        assert [row["id"] for row in rows] == recent[3:] + recent[:3], spelled
        assert rows[0]["updated_at"] == "2026-03-01T08:00:00Z"


def test_updated_since_without_a_time_zone_is_refused(client, demo):
    secret = make_token(["users"])
    for value in ("2026-03-01T08:00:00", "2026-03-01"):
        response = get(client, "users", secret, updated_since=value)
        assert response.status_code == 400
        assert response.json["error"]["parameter"] == "updated_since"
        assert "time zone" in response.json["error"]["message"]


def test_computed_status_rows_offer_no_updated_since(client, demo):
    response = get(client, "assignments/status", make_token(["assignments"]),
                   updated_since="2026-03-01T08:00:00Z")
    assert response.status_code == 400 and response.json["error"]["parameter"] == "updated_since"


@pytest.mark.parametrize("parameter,value", [
    ("limit", "abc"), ("limit", "0"), ("limit", "501"), ("limit", "-1"), ("limit", "1.5"),
    ("limit", ""), ("limit", "99999999999999999999"),
    ("cursor", "garbage"), ("cursor", "!!!"), ("cursor", "W10"), ("cursor", "x" * 2000),
    ("cursor", "WyJ1c2VycyIsIjIwMjYiLDFd"),  # ["users","2026",1]: a date, not a time
    ("cursor", "WyJ1c2VycyIsIjIwMjYtMDMtMDFUMDg6MDA6MDBaIiwxZTk5XQ"),  # id 1e99
    ("updated_since", "junk"), ("updated_since", ""), ("updated_since", "2026-13-01T00:00Z"),
    ("updated_since", "0001-01-01T00:00:00+01:00"),  # before year 1 in UTC
])
def test_bad_parameters_are_json_400s(client, demo, parameter, value):
    response = get(client, "users", make_token(["users"]), **{parameter: value})
    assert response.status_code == 400, response.text
    assert response.json["error"] == {"code": "bad_request", "parameter": parameter,
                                      "message": response.json["error"]["message"]}


def test_a_cursor_belongs_to_its_list(client, demo):
    add_users(3)
    secret = make_token()
    cursor = get(client, "users", secret, limit=1).json["next_cursor"]
    response = get(client, "departments", secret, cursor=cursor)
    assert response.status_code == 400 and response.json["error"]["parameter"] == "cursor"


def test_unknown_paths_and_methods_answer_json(client, demo):
    secret = make_token()
    missing = client.get(f"{API}/nothing-here", headers=bearer(secret))
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    wrong = client.post(f"{API}/users", headers=bearer(secret))
    assert wrong.status_code == 405 and wrong.json["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]
    page = client.get("/no-such-page")  # outside the API: still the HTML page
    assert page.status_code == 404 and page.mimetype == "text/html"


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_the_api_needs_no_csrf_token(client, demo):
    secret = make_token()
    assert get(client, "users", secret).status_code == 200
    assert client.post(f"{API}/users", headers=bearer(secret)).json["error"]["code"] == (
        "method_not_allowed")
