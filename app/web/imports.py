"""File imports from the web (roster, question bank) run as one claimed job: the lock of the
job (app/services/locks.py) is held from parsing to commit, so the same import started twice
at once — two admins, or the web page and the command — applies once; the other gets a
sentence in Chinese, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services import locks
from app.services.errors import DomainError


def run_import(lock: str, work: Callable[[], Any], *, dry_run: bool
               ) -> tuple[Any | None, str | None]:
    """(report, None) — committed unless the report has errors or is a dry run — or
    (None, the message to show) when the file, the lock or a concurrent change refused it."""
    try:
        with locks.held(lock, minutes=current_app.config["JOB_LOCK_MINUTES"],
                        enabled=not dry_run):
            report = work()
            if report.errors or dry_run:
                db.session.rollback()
            else:
                db.session.commit()
            return report, None
    except DomainError as error:
        db.session.rollback()
        return None, str(error)
    except IntegrityError:
        db.session.rollback()
        return None, _("Someone changed the same records at the same moment; nothing was "
                       "written. Upload the file again.")
