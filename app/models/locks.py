"""`Lock`: one row per job that must not run twice at once (a roster import, a content sync,
a question import into one bank). Taken by inserting the row (the primary key refuses a
second), given back by deleting it; a row whose `expires_at` passed belongs to a run that
crashed and may be taken over. Works the same on SQLite and PostgreSQL
(app/services/locks.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime


class Lock(db.Model):
    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))  # host, process and a random token
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
