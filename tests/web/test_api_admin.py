"""Admin pages for API tokens: list, create (the secret shown once), revoke."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from tests.web.api_helpers import bearer

SECRET = re.compile(r'data-testid="api-token-secret">(sopa_[A-Za-z0-9_-]+)<')


def _create(client, name="Power BI 月报", scopes=("users", "kpis")):
    return client.post("/admin/api-tokens", data={"name": name, "scopes": list(scopes)})


def test_admin_index_links_to_the_tokens(client, auth, demo):
    auth.as_role("admin")
    assert 'href="/admin/api-tokens"' in client.get("/admin/").text


def test_creating_a_token_shows_the_secret_once(client, auth, demo):
    auth.as_role("admin")
    response = _create(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(response.text).group(1)
    token = db.session.scalar(select(ApiToken))
    assert token.name == "Power BI 月报" and token.scopes == ["users", "kpis"]
    listing = client.get("/admin/api-tokens").text
    assert secret not in listing and token.prefix in listing and "Power BI 月报" in listing
    assert client.get("/api/v1/kpis", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/runs", headers=bearer(secret)).status_code == 403


def test_a_token_needs_a_name_and_a_scope(client, auth, demo):
    auth.as_role("admin")
    assert 'data-testid="api-token-secret"' not in _create(client, name="").text
    assert 'data-testid="api-token-secret"' not in _create(client, scopes=()).text
    assert 'data-testid="api-token-secret"' not in _create(client, scopes=("secrets",)).text
    assert db.session.scalar(select(ApiToken.id)) is None


def test_revoking_a_token_stops_it(client, auth, demo):
    auth.as_role("admin")
    secret = SECRET.search(_create(client).text).group(1)
    token_id = db.session.scalar(select(ApiToken.id))
    response = client.post(f"/admin/api-tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    assert client.get("/api/v1/users", headers=bearer(secret)).status_code == 401
    assert "/revoke" not in client.get("/admin/api-tokens").text


def test_revoking_an_unknown_token_is_a_404(client, auth, demo):
    auth.as_role("admin")
    assert client.post("/admin/api-tokens/999999/revoke").status_code == 404
