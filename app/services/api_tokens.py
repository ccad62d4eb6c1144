"""API tokens for BI tools (/api/v1): created by administrators, scoped, revocable, hashed.

A token is organisation-wide: it reads every person, department and figure of the clinic
(a BI tool reports on the whole organisation), limited only by its scopes, one per resource.
Only administrators (MANAGE_ORG) create and revoke tokens. The secret is shown once, when it
is created; only its SHA-256 is stored, with its first characters (`prefix`) so that admins
can tell tokens apart. A revoked token stays listed (who made it, when it was last used).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, User
from app.services.errors import DomainError
from app.services.validation import clean_text

SCOPES = ("users", "departments", "assignments", "attempts", "runs", "results", "kpis")
SECRET_PREFIX = "sopa_"
PREFIX_LENGTH = 12  # "sopa_" and 7 random characters: enough to tell tokens apart
MAX_SECRET_LENGTH = 200
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most once a minute


class ScopeError(DomainError):
    """The token lacks the scope of the resource it asked for."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def clean_scopes(scopes: Iterable[str]) -> list[str]:
    """The chosen scopes in the order of SCOPES; unknown or none → DomainError."""
    chosen = set(scopes or ())
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        raise DomainError(_l("Unknown scope: %(names)s.", names=", ".join(unknown)), "scopes")
    if not chosen:
        raise DomainError(_l("Choose at least one thing the token may read."), "scopes")
    return [scope for scope in SCOPES if scope in chosen]


def create_token(actor: User, name: str, scopes: Iterable[str],
                 now: datetime) -> tuple[ApiToken, str]:
    """A new token and its secret, which is never stored and cannot be shown again."""
    name = clean_text(name, field="name", label=_l("Token name"), max_length=100)
    scopes = clean_scopes(scopes)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, prefix=secret[:PREFIX_LENGTH], token_hash=hash_secret(secret),
                     scopes=scopes, created_by_id=actor.id, created_at=now)
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke(actor: User, token: ApiToken, now: datetime) -> ApiToken:
    """Stop a token from working, for good (revoking twice keeps the first time)."""
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()
    return token


def list_tokens() -> list[tuple[ApiToken, str | None]]:
    """Every token, newest first, with the name of the admin who created it."""
    query = (select(ApiToken, User.name).outerjoin(User, User.id == ApiToken.created_by_id)
             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [(token, creator) for token, creator in db.session.execute(query)]


def authenticate(secret: str | None, now: datetime) -> ApiToken | None:
    """The live token with this secret, or None. Looked up by its hash (the secret itself is
    never compared); marks the token used, at most once a minute, so reads stay reads."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    digest = hash_secret(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
        db.session.flush()
    return token


def require_scope(token: ApiToken, scope: str) -> None:
    if scope not in (token.scopes or ()):
        raise ScopeError(f"This token may not read {scope}; its scopes are: "
                         f"{', '.join(token.scopes or ()) or 'none'}.")
