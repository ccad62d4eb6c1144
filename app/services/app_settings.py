"""Admin-editable settings stored as JSON under a key (the `AppSetting` table).

Code holds every default; a row only overrides it. Reading several keys is one statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import AppSetting, User
from app.models.base import utcnow
from app.services.records import upsert


def read_settings(*keys: str) -> dict[str, Any]:
    """key → stored value, for the keys that have a row (one statement)."""
    rows = db.session.execute(select(AppSetting.key, AppSetting.value)
                              .where(AppSetting.key.in_(keys)))
    return {key: value for key, value in rows}


def write_setting(key: str, value: Any, actor: User | None) -> None:
    """Store `value` under `key` (insert or replace, in one statement: two administrators
    saving at once both succeed, the later one stands); the caller commits."""
    upsert(AppSetting, {"key": key, "value": value, "updated_at": utcnow(),
                        "updated_by_id": actor.id if actor is not None else None}, ["key"])
    row = db.session.identity_map.get(db.session.identity_key(AppSetting, key))
    if row is not None:
        db.session.expire(row)
