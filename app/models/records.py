"""Settings, certificates and API tokens: what issue 7's results, points and BI access need.

- `AppSetting`: small admin-editable settings stored as JSON under a key (points rules,
  whether the leaderboard is shown). Code holds the defaults; a row overrides them.
- `Certificate`: issued once when a person completes a course or passes a learning path; the
  title is copied so a later rename never rewrites an issued certificate. `code` is the
  public verification code; `expires_at` its end of validity (None: none).
- `ApiToken`: a read-only token for BI tools. Only a SHA-256 hash of the secret is stored;
  `prefix` (the first characters) lets admins tell tokens apart. Scopes name the resources
  the token may read; revoking sets `revoked_at`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.items import ItemReference


class AppSetting(db.Model):
    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Certificate(ItemReference, db.Model):
    """One per person and course, learning path or SOP module (a unique constraint per
    kind)."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      UniqueConstraint("user_id", "path_id"),
                      UniqueConstraint("user_id", "sop_module_id"),
                      UniqueConstraint("user_id", "class_id"))
    item_kinds = ("course", "path", "sop", "class")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    path_id: Mapped[int | None] = mapped_column(ForeignKey("learning_paths.id"))
    # an SOP module's acknowledgement certificate: only for modules with a validity
    sop_module_id: Mapped[int | None] = mapped_column(ForeignKey("sop_modules.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("training_classes.id"))
    title: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # validity (app/services/certificate_expiry.py): copied from the item when issued or
    # renewed; None = never expires. `reminded_days` is the last "expires in N days"
    # reminder given (30, then 7) and `reminded_on` the China-time day it was given;
    # `lapsed_at` is set once, by the run that claimed the expiry and created the
    # re-certification assignment `renewal_assignment_id`.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reminded_days: Mapped[int | None]
    reminded_on: Mapped[str | None] = mapped_column(String(8))
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    renewal_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL"))

    user = relationship("User")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
