"""`flask signins prune [--days N]`: delete sign-in log rows older than N days (default
SIGN_IN_LOG_DAYS, 180), the idle failure counters (docs/security-signin.md) and the
signed-in device rows that sign nobody in any more: ended, or past REMEMBER_DAYS (or
SESSION_HOURS unused, when not remembered) (docs/security.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.models.base import utcnow
from app.services import devices
from app.services.sign_in_log import prune

sign_ins_cli = AppGroup("signins", help="The sign-in log.")


@sign_ins_cli.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days (default: SIGN_IN_LOG_DAYS).")
def sign_ins_prune_command(days: int | None) -> None:
    """Delete sign-in log rows older than the given number of days."""
    days = days or int(current_app.config.get("SIGN_IN_LOG_DAYS", 180))
    now = utcnow()
    events, counters = prune(now, days)
    ended = devices.prune(now, devices.Lifetimes.from_settings(current_app.config))
    db.session.commit()
    click.echo(_("Deleted %(events)d sign-in log rows older than %(days)d days and "
                 "%(counters)d idle failure counters.", events=events, days=days,
                 counters=counters))
    click.echo(_("Deleted %(devices)d ended or expired device sign-ins.", devices=ended))
