"""Large table downloads built in the worker (docs/exports.md): one row per export job.

- who (`user_id`), what (`endpoint`, `view_args` and the query string `args`, `fmt`,
  `locale`), `state` queued → running → done | failed, progress (`rows_done` of
  `rows_total`), the file (`file_path`, `filename`) and when it expires.
- `active_key` (unique while queued or running, NULL afterwards) is the claim: the same
  export asked twice (a double click) finds the job already started instead of a second one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class ExportJob(db.Model):
    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    endpoint: Mapped[str] = mapped_column(String(120))
    view_args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    args: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    fmt: Mapped[str] = mapped_column(String(8))
    locale: Mapped[str] = mapped_column(String(16), default="")
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    active_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None] = mapped_column()
    filename: Mapped[str] = mapped_column(String(200), default="")
    file_path: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
