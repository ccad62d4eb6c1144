"""Sign-ins: the audit log of every attempt, and the per-account failure counter behind the
temporary lock (app.services.sign_in).

- `SignInEvent`: one row per attempt (and per sign-out): when, the login as typed, the
  account when one has that login, the address, the browser (truncated) and the outcome.
  Append-only; `flask signins prune --days N` deletes old rows.
- `SignInThrottle`: one row per typed login (existing or not, so an unknown 工号 is treated
  like a real one): the failures of the current window, the lock and its level. Written with
  an INSERT … ON CONFLICT DO UPDATE and a conditional UPDATE, so two failures at once both
  count and a lock is taken once.
- `UserSession`: one row per sign-in of a device (app.services.devices): the sha256 of the
  random token its cookies carry, when and where it signed in, when it was last used. Ended
  (`ended_at`) by signing out on that device, from another device's list, or for the whole
  account; `flask signins prune` deletes ended and expired rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.org import User

LOGIN_LENGTH = 64
ADDRESS_LENGTH = 64
USER_AGENT_LENGTH = 200


class SignInEvent(db.Model):
    __tablename__ = "sign_in_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    login: Mapped[str] = mapped_column(String(LOGIN_LENGTH))  # as typed (cleaned, truncated)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_LENGTH), default="")
    # success | wrong_password | unknown_account | deactivated | locked | signed_out
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    # how: password | wecom | dingtalk (app.services.identity)
    method: Mapped[str] = mapped_column(String(20), default="password",
                                        server_default="password")

    user: Mapped[User | None] = relationship()


class SignInThrottle(db.Model):
    __tablename__ = "sign_in_throttles"

    login: Mapped[str] = mapped_column(String(LOGIN_LENGTH), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)  # in the window that started below
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locks: Mapped[int] = mapped_column(default=0)  # the lock level: longer each time
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UserSession(db.Model):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # sha256 (hex) of the token in the device's session and remember cookies: a copy of the
    # database signs nobody in
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # updated at most every few minutes (app.services.devices.TOUCH_EVERY), not on every page
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_LENGTH), default="")
    remember: Mapped[bool] = mapped_column(default=False)  # 在此设备上保持登录 was ticked
    # how it signed in: password | wecom | dingtalk (a provider's sign-in proves who it is:
    # no forced password change on that device)
    method: Mapped[str] = mapped_column(String(20), default="password",
                                        server_default="password")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IdentityToken(db.Model):
    """An identity provider's access token (WeCom, DingTalk: 7,200 s), one row per app and
    secret, shared by every worker and process (app.services.identity.tokens). A refresh is
    claimed first (`refreshing_until`), so workers do not all ask the provider at once."""

    __tablename__ = "identity_tokens"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    token: Mapped[str] = mapped_column(String(512), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    refreshing_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
