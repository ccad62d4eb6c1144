"""`flask --app wsgi worker [--workers N]`: the task-queue consumer (app/tasks.py): sends
webhook deliveries (queued after each change, and a sweep every minute), and the daily
reminder run when REMINDERS_AT is set. Runs until stopped (SIGINT/SIGTERM: finishes the
tasks in hand, then exits). `flask --app wsgi webhooks deliver` sends what is due once and
exits (for a cron line instead of a worker, or to check by hand)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db


@click.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 16),
              help="Tasks run at once (threads).")
def worker_command(workers: int) -> None:
    """Run the task-queue worker (webhook deliveries, scheduled reminders)."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    huey = current_app.extensions["huey"]
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                    check_worker_health=True)
    consumer.run()


webhooks_cli = AppGroup("webhooks", help="Outbound webhooks.")


@webhooks_cli.command("deliver")
def webhooks_deliver_command() -> None:
    """Send every webhook delivery that is due now, then exit."""
    from app.services.webhooks.delivery import deliver_due

    count = deliver_due(db.session.commit, timeout=current_app.config["WEBHOOK_TIMEOUT"])
    click.echo(_("%(count)d webhook deliveries tried.", count=count))
