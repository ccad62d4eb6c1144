"""Large table downloads built in the worker (docs/exports.md).

- `offer_job(fmt, stem)`: what a download of more than EXPORT_ASYNC_ROWS rows answers (a GET
  writes nothing): a page with a button that POSTs this export, signed for this person.
- POST /exports/jobs: start the job (or find the one already started: a double click makes
  one job), queue it, show its page. A queue that cannot be reached: built here instead
  (logged), never a 500.
- /exports/jobs/<id>: "正在生成…" with a progress bar (app/static/js/export_job.js polls
  …/status); /file: the file. Only for the person who asked (others: 404).
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.export_jobs import DONE, find_job, start_job
from app.services.exports import FORMATS
from app.web.exporting import content_disposition

bp = Blueprint("exports", __name__)
log = logging.getLogger("app.exports")
SALT = "export-job"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def offer_job(fmt: str, stem: str):
    """The page offering to build this (large) download in the background."""
    token = _signer().dumps({"u": current_user.id, "e": request.endpoint,
                             "v": request.view_args or {},
                             "a": [[k, v] for k, v in request.args.items(multi=True)],
                             "f": fmt})
    return render_template("exports/offer.html", token=token, filename=f"{stem}.{fmt}",
                           limit=current_app.config["EXPORT_ASYNC_ROWS"])


@bp.post("/jobs")
@require(Permission.LEARN)
def start():
    try:
        spec = _signer().loads(request.form.get("token", ""))
    except BadSignature:
        abort(400)
    if spec.get("u") != current_user.id or spec.get("f") not in FORMATS:
        abort(404)
    job, created = start_job(current_user, spec["e"], spec["v"], spec["a"], spec["f"],
                             str(get_locale() or ""), utcnow())
    db.session.commit()
    if created:
        _queue(job.id)
    return redirect(url_for("exports.job", job_id=job.id))


def _queue(job_id: int) -> None:
    from app.web.export_runner import run_export_job

    task = current_app.extensions.get("huey_tasks", {}).get("build_export")
    try:
        if task is None:
            raise RuntimeError("no task queue")
        task(job_id)
        return
    except Exception:
        log.warning("could not queue export job %s; building it in the request", job_id,
                    exc_info=True)
    run_export_job(current_app._get_current_object(), job_id)
    db.session.expire_all()


def _own(job_id: int):
    job = find_job(current_user, job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@require(Permission.LEARN)
def job(job_id: int):
    job = _own(job_id)
    return render_template("exports/job.html", job=job, status=_status(job))


@bp.get("/jobs/<int:job_id>/status")
@require(Permission.LEARN)
def status(job_id: int):
    response = jsonify(_status(_own(job_id)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _status(job) -> dict:
    total = job.rows_total
    percent = 100 if job.state == DONE else (
        min(99, int(job.rows_done * 100 / total)) if total else 0)
    return {"state": job.state, "rows_done": job.rows_done, "rows_total": total,
            "percent": percent, "filename": job.filename,
            "download_url": url_for("exports.file", job_id=job.id) if job.state == DONE
            else None}


@bp.get("/jobs/<int:job_id>/file")
@require(Permission.LEARN)
def file(job_id: int):
    job = _own(job_id)
    if job.state != DONE or not job.file_path:
        abort(404)
    try:
        response = send_file(job.file_path, mimetype=FORMATS[job.fmt])
    except FileNotFoundError:
        abort(404)
    response.headers["Content-Disposition"] = content_disposition(job.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
