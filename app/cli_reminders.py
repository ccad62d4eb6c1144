"""`flask reminders send [--dry-run] [--json]`: the daily reminder run (see
app.services.assign.reminders). Exit status 0 when outside messages failed (the next run
tries them again) or another run was sending some of them at the same moment (each message
is claimed first: it goes out once); 1 when an internal error stopped a channel."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.models.base import utcnow
from app.services.assign import channels
from app.services.assign.reminders import ReminderReport, send_reminders

reminders_cli = AppGroup("reminders", help="Reminders of due and overdue training.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def reminders_send_command(dry_run: bool, as_json: bool) -> None:
    """Send today's reminders: in-app, WeCom group robots, WeCom app messages, DingTalk work
    notices, email. Idempotent per day."""
    report = send_reminders(utcnow(), dry_run=dry_run, settings=current_app.config,
                            commit=db.session.commit)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if report.internal_errors:
        sys.exit(1)


def _print_report(report: ReminderReport) -> None:
    day = f"{report.day[:4]}-{report.day[4:6]}-{report.day[6:]}"
    click.echo(_("Reminders for %(day)s", day=day))
    for channel in report.channels:
        label = str(channels.CHANNELS[channel.name].label)
        if channel.error:
            click.echo(_("%(channel)s: stopped by an internal error: %(error)s",
                         channel=label, error=channel.error), err=True)
        elif not channel.enabled:
            click.echo(_("%(channel)s: not configured, skipped.", channel=label))
        elif report.dry_run:
            click.echo(_("%(channel)s: %(count)d to send, %(skipped)d skipped (already sent).",
                         channel=label, count=channel.sent + len(channel.planned),
                         skipped=channel.skipped))
        else:
            click.echo(_("%(channel)s: %(sent)d sent, %(skipped)d skipped (already sent), "
                         "%(failed)d failed.", channel=label, sent=channel.sent,
                         skipped=channel.skipped, failed=channel.failed))
        if channel.in_progress:
            click.echo(_("  %(count)d being sent by another run at this moment (left to it).",
                         count=channel.in_progress))
        if channel.no_recipient:
            click.echo(_("  %(count)d without anywhere to send to (no robot or no email "
                         "address).", count=channel.no_recipient))
        for message in channel.planned:
            click.echo(f"--- {label} → {message.recipient} [{message.key}]")
            click.echo(message.text)
    if report.dry_run:
        click.echo(_("Dry run: nothing was sent or written."))
    elif any(c.failed for c in report.channels):
        click.echo(_("Failed messages are tried again by the next run."))
