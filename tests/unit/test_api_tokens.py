"""API tokens: hashed at rest, scoped, revocable, used-at written at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import ApiToken
from app.models.base import utcnow
from app.services import api_tokens
from app.services.bi.registry import RESOURCES
from app.services.errors import DomainError
from tests.learning_factories import person


def _create(scopes=("users",), name="Power BI"):
    token, secret = api_tokens.create_token(person("admin"), name, scopes, utcnow())
    db.session.commit()
    return token, secret


def test_the_secret_is_never_stored_only_its_hash(demo):
    token, secret = _create()
    assert secret.startswith("sopa_") and len(secret) > 40
    assert token.prefix == secret[:12] and token.token_hash == api_tokens.hash_secret(secret)
    with db.engine.connect() as conn:
        dump = [tuple(map(str, row)) for row in conn.execute(text("SELECT * FROM api_tokens"))]
    assert dump and not any(secret in cell for row in dump for cell in row)
    assert any(token.token_hash in row for row in dump)


def test_two_tokens_never_share_a_secret(demo):
    (_a, first), (_b, second) = _create(), _create()
    assert first != second


def test_authenticate_finds_a_live_token_and_refuses_others(demo):
    token, secret = _create()
    now = utcnow()
    assert api_tokens.authenticate(secret, now) is token
    assert api_tokens.authenticate(secret + "x", now) is None
    assert api_tokens.authenticate("", now) is None
    assert api_tokens.authenticate(None, now) is None
    assert api_tokens.authenticate("x" * 10_000, now) is None


def test_a_revoked_token_stops_working_for_good(demo):
    token, secret = _create()
    first = utcnow()
    api_tokens.revoke(person("admin"), token, first)
    api_tokens.revoke(person("admin"), token, first + timedelta(hours=1))
    db.session.commit()
    assert token.revoked_at == first
    assert api_tokens.authenticate(secret, utcnow()) is None


def test_last_used_is_written_at_most_once_a_minute(demo):
    token, secret = _create()
    start = utcnow()
    api_tokens.authenticate(secret, start)
    assert token.last_used_at == start
    api_tokens.authenticate(secret, start + timedelta(seconds=59))
    assert token.last_used_at == start
    api_tokens.authenticate(secret, start + timedelta(seconds=61))
    assert token.last_used_at == start + timedelta(seconds=61)


@pytest.mark.parametrize("scopes", [[], ["users", "passwords"], ["admin"]])
def test_scopes_must_be_known_and_at_least_one(demo, scopes):
    with pytest.raises(DomainError) as refused:
        api_tokens.create_token(person("admin"), "BI", scopes, utcnow())
    assert refused.value.field == "scopes"
    assert db.session.scalar(select(ApiToken.id)) is None


def test_scopes_are_kept_in_a_fixed_order_without_duplicates(demo):
    token, _secret = _create(["kpis", "users", "kpis"])
    assert token.scopes == ["users", "kpis"]


def test_a_token_needs_a_name(demo):
    with pytest.raises(DomainError) as refused:
        api_tokens.create_token(person("admin"), "  ", ["users"], utcnow())
    assert refused.value.field == "name"


def test_require_scope(demo):
    token, _secret = _create(["users"])
    api_tokens.require_scope(token, "users")
    with pytest.raises(api_tokens.ScopeError):
        api_tokens.require_scope(token, "runs")


def test_every_resource_has_a_scope_and_every_scope_a_resource():
    assert {r.scope for r in RESOURCES} == set(api_tokens.SCOPES)
