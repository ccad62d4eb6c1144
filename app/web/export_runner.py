"""Run an export job (docs/exports.md): in the worker (app/tasks.py `build_export`), or in
the request when the queue cannot be reached.

The job replays the download's own view in a request context of its own, as the person who
asked (their permissions and scope checked again, the page's filters from the job, their
language): the SAME table builder as the immediate download, so the same rows. Instead of
streaming a response, `table_download` hands the table to the sink below, which counts the
rows (first pass) and writes the file (second pass), recording progress as it goes.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response, current_app, g, session, url_for
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.models.base import utcnow
from app.models.export_jobs import ExportJob
from app.models.org import User
from app.services.export_jobs import (
    claim_job,
    count_rows,
    fail_job,
    finish_job,
    sweep_jobs,
    write_job_file,
)
from app.web.exporting import JOB_SINK

log = logging.getLogger("app.exports")


def run_export_job(app: Flask, job_id: int) -> str | None:
    """Claim and build the job; its final state (None when someone else had claimed it)."""
    with app.app_context():
        if not claim_job(job_id, utcnow()):
            db.session.rollback()
            return None
        db.session.commit()
        try:
            made = _replay(app, db.session.get(ExportJob, job_id))
        except Exception:
            log.exception("export job %s failed", job_id)
            made = "failed"
        db.session.rollback()  # the builder's reads end here; the job is written afresh
        job = db.session.get(ExportJob, job_id)
        if isinstance(made, str):
            fail_job(job, made, utcnow())
        else:
            finish_job(job, *made, now=utcnow())
        db.session.commit()
        return job.state


def _replay(app: Flask, job: ExportJob) -> tuple[Path, str, int] | str:
    """The file made by the download's view as its owner, or why not: "not_allowed" (the
    view refused them now) or "failed"."""
    user = db.session.get(User, job.user_id)
    if user is None or not user.is_active:
        return "not_allowed"
    with app.test_request_context():
        path = url_for(job.endpoint, **job.view_args)
    made: list = []
    with app.test_request_context(path, query_string=[tuple(pair) for pair in job.args]):
        if job.locale:
            session["lang"] = job.locale
        g._login_user = user  # Flask-Login's current_user, without a sign-in event
        setattr(g, JOB_SINK, lambda *table: made.append(_write(job, *table)) or Response())
        try:
            app.view_functions[job.endpoint](**job.view_args)
        except HTTPException as error:
            log.warning("export job %s: the view answered %s", job.id, error.code)
            return "not_allowed" if error.code in (401, 403, 404) else "failed"
    return made[0] if made else "failed"


def _write(job: ExportJob, stem: str, headers, rows, rebuild) -> tuple[Path, str, int]:
    config = current_app.config
    sized = hasattr(rows, "__len__")
    total = count_rows(rows)
    body = rows if sized else rebuild()
    path = write_job_file(job, str(Path(config["UPLOAD_DIR"]) / "exports"), stem, headers,
                          body, total, config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"),
                          every=config.get("EXPORT_PROGRESS_EVERY") or 500)
    return path, f"{stem}.{job.fmt}", total


def sweep(app: Flask) -> int:
    """Delete export files and jobs older than EXPORT_KEEP_HOURS (the worker, hourly)."""
    with app.app_context():
        removed = sweep_jobs(utcnow(), timedelta(hours=app.config.get("EXPORT_KEEP_HOURS", 24)))
        db.session.commit()
        return removed
