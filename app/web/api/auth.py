"""Bearer-token authentication for /api/v1 (no cookies, no sessions, no CSRF)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request

from app.extensions import db
from app.models.base import utcnow
from app.services import api_tokens
from app.web.api.errors import unauthorized


def bearer_secret() -> str | None:
    """The secret of an `Authorization: Bearer <secret>` header, or None."""
    scheme, _space, secret = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def token_required(view: Callable) -> Callable:
    """401 (JSON, WWW-Authenticate) without a live token; otherwise `g.api_token` is set."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        secret = bearer_secret()
        if secret is None:
            return unauthorized("Send 'Authorization: Bearer <token>'; an administrator "
                                "creates tokens under Administration → API tokens.", False)
        now = utcnow()
        token = api_tokens.authenticate(secret, now)
        if token is None:
            return unauthorized("This token is unknown or has been revoked.", True)
        if token.last_used_at == now:  # marked used (at most once a minute): keep it
            db.session.commit()
        g.api_token = token
        return view(*args, **kwargs)

    wrapped.api_token_required = True
    return wrapped
