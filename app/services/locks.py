"""Jobs that must not run twice at once — a roster import, a content sync, a question import
into one bank — each take a named lock first (one `locks` row, app/models/locks.py).

Taking it is one INSERT: the primary key lets exactly one run have it, on SQLite and on
PostgreSQL alike; the loser gets `Busy` (a DomainError with a sentence for people) and
changes nothing. The lock is written and given back on connections of its own, committed at
once, so the job's own unit of work (commit or rollback) never holds or loses it. A run that
crashed leaves its row behind: once `expires_at` has passed, the next run takes it over.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.base import utcnow
from app.models.locks import Lock
from app.services.errors import DomainError

log = logging.getLogger("app.locks")
DEFAULT_MINUTES = 30  # JOB_LOCK_MINUTES: longer than the longest import or sync

JOBS = {
    "roster-import": _l("roster import"),
    "content-sync": _l("content sync"),
    "questions-import": _l("question import into this bank"),
    "directory-sync": _l("directory sync"),
}


class Busy(DomainError):
    """Another run holds the lock: nothing was done; try again when it has finished."""

    def __init__(self, name: str, acquired_at: datetime | None, now: datetime):
        minutes = max(0, int((now - acquired_at).total_seconds() // 60)) if acquired_at else 0
        super().__init__(_l("Another %(job)s is in progress (started %(minutes)d minutes "
                            "ago). Nothing was changed; try again when it has finished.",
                            job=JOBS.get(job_of(name), name), minutes=minutes))
        self.name = name
        self.acquired_at = acquired_at


def job_of(name: str) -> str:
    """"questions-import:bank-slug" → "questions-import"."""
    return name.split(":", 1)[0]


def acquire(name: str, *, minutes: int = DEFAULT_MINUTES, now: datetime | None = None) -> str:
    """Take the lock `name` (a stale one is taken over); its holder token, or raise Busy."""
    now, name = now or utcnow(), name[:120]
    token = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"
    with db.engine.begin() as conn:
        stale = conn.execute(delete(Lock).where(Lock.name == name, Lock.expires_at < now))
        if stale.rowcount:
            log.warning("lock %s: took over from a run that did not finish", name)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(Lock).values(name=name, holder=token, acquired_at=now,
                                             expires_at=now + timedelta(minutes=minutes)))
    except IntegrityError:
        with db.engine.connect() as conn:
            since = conn.scalar(select(Lock.acquired_at).where(Lock.name == name))
        raise Busy(name, since, now) from None
    return token


def release(name: str, token: str) -> None:
    """Give the lock back (only if still ours). A failure is logged: the lock expires."""
    name = name[:120]
    try:
        with db.engine.begin() as conn:
            conn.execute(delete(Lock).where(Lock.name == name, Lock.holder == token))
    except Exception:  # the database went away: the row expires on its own
        log.exception("lock %s could not be released; it expires on its own", name)


@contextmanager
def held(name: str, *, minutes: int = DEFAULT_MINUTES, enabled: bool = True
         ) -> Iterator[None]:
    """`with held("content-sync"):` — the block runs only while this run has the lock
    (`enabled=False`, e.g. a dry run that writes nothing: no lock)."""
    if not enabled:
        yield
        return
    token = acquire(name, minutes=minutes)
    try:
        yield
    finally:
        release(name, token)
