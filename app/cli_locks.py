"""Commands that must not run twice at once (users import, content sync, questions import)
run their work inside `exclusive(...)`: it takes the job's lock (app/services/locks.py) and,
when another run has it, prints why — as {"error": …} with --json — and exits with status 75
(EX_TEMPFAIL: try again later) having changed nothing. A unique constraint that still trips
(someone changed the same rows in the web app at that moment) rolls back and exits 1 with a
sentence, never a traceback."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services import locks

BUSY_EXIT = 75


@contextmanager
def exclusive(name: str, as_json: bool, *, enabled: bool = True) -> Iterator[None]:
    """Run the block holding the lock `name`; `enabled=False` (a dry run): no lock."""
    if not enabled:
        yield
        return
    try:
        token = locks.acquire(name, minutes=current_app.config["JOB_LOCK_MINUTES"])
    except locks.Busy as busy:
        _fail(str(busy), as_json, BUSY_EXIT, lock=name,
              started_at=busy.acquired_at.isoformat() if busy.acquired_at else None)
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        _fail(_("Someone changed the same records at the same moment; nothing was written. "
                "Run the command again."), as_json, 1, lock=name)
    finally:
        locks.release(name, token)


def _fail(message: str, as_json: bool, status: int, **details) -> None:
    if as_json:
        click.echo(json.dumps({"error": message, **details}, ensure_ascii=False, indent=2))
    else:
        click.echo(message, err=True)
    sys.exit(status)
