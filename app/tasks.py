"""The task queue: Huey, embedded. Work that must never slow a user's request runs here, in
the worker (`flask --app wsgi worker`, deploy/sop-academy-worker.service).

Storage: RedisHuey when REDIS_URL is set, else SqliteHuey in a file under instance/
(TASK_QUEUE_FILE) — no broker to run on a laptop or a one-server clinic. TASK_QUEUE=memory
(the tests) keeps it in this process; HUEY_IMMEDIATE=1 runs tasks at once, in the process
that queues them (a laptop without a worker: then deliveries do slow the request).

Tasks:
- `deliver_webhooks`: send every due webhook delivery. Queued after each commit that wrote
  deliveries (the nudge) and run every minute anyway (retries, lost nudges).
- `build_export`: build a large table download (docs/exports.md) as the person who asked;
  `sweep_exports` (hourly) deletes those files and jobs after EXPORT_KEEP_HOURS.
- `send_reminders_daily`: the reminder run at REMINDERS_AT (HH:MM, TIMEZONE), only when
  REMINDERS_AT is set: the alternative to the cron/systemd timer of `flask reminders send`,
  which stays as it is. Both are idempotent per day, so running both does no harm.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.base import utcnow
from app.services.webhooks.outbox import ENDPOINTS, NUDGE

log = logging.getLogger("app.tasks")


def init_queue(app: Flask) -> Huey:
    """Build the app's Huey and register its tasks; app.extensions["huey"]."""
    huey = _make_huey(app)
    tasks = _register(huey, app)
    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = tasks
    return huey


def _make_huey(app: Flask) -> Huey:
    kind = app.config.get("TASK_QUEUE") or ("redis" if app.config.get("REDIS_URL") else "sqlite")
    immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    if kind == "memory":
        return MemoryHuey("sop-academy", immediate=immediate, utc=True)
    if kind == "redis":
        return RedisHuey("sop-academy", url=app.config["REDIS_URL"], immediate=immediate,
                         utc=True)
    filename = app.config.get("TASK_QUEUE_FILE") or str(Path(app.instance_path) / "huey.db")
    return SqliteHuey("sop-academy", filename=filename, immediate=immediate, utc=True)


def _register(huey: Huey, app: Flask) -> dict:
    def deliver_webhooks() -> int:
        from app.services.webhooks.delivery import deliver_due

        with app.app_context():  # a session of its own, even when run inline
            return deliver_due(db.session.commit,
                               timeout=float(app.config.get("WEBHOOK_TIMEOUT", 5)))

    deliver = huey.task(name="deliver_webhooks")(deliver_webhooks)
    sweep = huey.periodic_task(crontab(minute="*"), name="deliver_webhooks_sweep")(
        deliver_webhooks)
    tasks = {"deliver_webhooks": deliver, "deliver_webhooks_sweep": sweep, **_exports(huey, app)}
    at = app.config.get("REMINDERS_AT")
    if at:
        hour, minute = _utc_time(at, app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))
        tasks["send_reminders_daily"] = huey.periodic_task(
            crontab(minute=str(minute), hour=str(hour)), name="send_reminders_daily")(
            lambda: _send_reminders(app))
    return tasks


def _exports(huey: Huey, app: Flask) -> dict:
    from app.web.export_runner import run_export_job, sweep

    build = huey.task(name="build_export")(lambda job_id: run_export_job(app, job_id))
    clean = huey.periodic_task(crontab(minute="17"), name="sweep_exports")(lambda: sweep(app))
    return {"build_export": build, "sweep_exports": clean}


def _utc_time(at: str, zone: str) -> tuple[int, int]:
    """REMINDERS_AT (HH:MM in the app's time zone) as today's UTC hour and minute."""
    hour, minute = (int(part) for part in at.split(":"))
    local = datetime.now(ZoneInfo(zone)).replace(hour=hour, minute=minute, second=0)
    utc = local.astimezone(ZoneInfo("UTC"))
    return utc.hour, utc.minute


def _send_reminders(app: Flask) -> dict:
    """What `flask reminders send` does, as a task (its report goes to the worker's log)."""
    from app.services.assign.reminders import send_reminders

    with app.app_context():
        report = send_reminders(utcnow(), dry_run=False, settings=app.config,
                                commit=db.session.commit)
        db.session.commit()
        log.info("reminders: %s", report.as_dict())
        return report.as_dict()


def nudge() -> None:
    """Queue a delivery run now; a queue that cannot be reached is logged, never raised
    (the worker's sweep sends the deliveries within a minute of coming back)."""
    tasks = current_app.extensions.get("huey_tasks")
    if not tasks:
        return
    try:
        tasks["deliver_webhooks"]()
    except Exception:
        log.warning("could not queue webhook deliveries; the worker's sweep will send them",
                    exc_info=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(ENDPOINTS, None)
    if session.info.pop(NUDGE, False) and has_app_context():
        nudge()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous) -> None:
    session.info.pop(ENDPOINTS, None)
    session.info.pop(NUDGE, None)
