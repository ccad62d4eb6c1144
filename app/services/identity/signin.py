"""Signing in through an identity provider, the part without the web: the person of a
userid, and the sign-in log row (method = the provider's name). The view checks the state,
asks the provider for the userid, signs the device in and commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services import sign_in
from app.services.identity.base import Provider


def person_of(provider: Provider, userid: str) -> User | None:
    """The account with this userid at the provider (active or not)."""
    column = getattr(User, provider.user_column)
    return db.session.scalar(select(User).where(column == userid))


def sign_in_outcome(provider: Provider, userid: str | None, client: sign_in.Client,
                    now: datetime) -> tuple[User | None, str]:
    """(the person to sign in or None, outcome), logged: success, unknown_account (no one
    has this userid, or the provider gave none: not a member) or deactivated. Flushes."""
    user = person_of(provider, userid) if userid else None
    outcome = ("unknown_account" if user is None
               else "success" if user.active else "deactivated")
    sign_in.log(userid or "", user, client, outcome, now, method=provider.name)
    if outcome == "success":
        user.last_login_at = now
        db.session.flush()
        return user, outcome
    return None, outcome
