"""A command that cannot reach the database says so in one sentence and exits with status 75
(EX_TEMPFAIL: try again later, as a busy job lock does), instead of a traceback in the
operator's cron mail. `explain_database_errors` wraps the callback of every command of a
group (sub-groups included); register_cli applies it to the app's own commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError

from app.cli_locks import BUSY_EXIT, _fail
from app.extensions import db


def explain_database_errors(command: click.Command) -> None:
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            explain_database_errors(sub)
    elif command.callback is not None and not getattr(command.callback, "_explained", False):
        command.callback = _explained(command.callback)


def _explained(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            db.session.rollback()
            reason = str(error.orig or error).strip().splitlines()[0][:300]
            _fail(_("The database is not reachable or is busy; nothing was changed. Try again "
                    "later. (%(reason)s)", reason=reason),
                  bool(kwargs.get("as_json")), BUSY_EXIT)

    run._explained = True  # type: ignore[attr-defined]
    return run
