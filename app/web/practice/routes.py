"""Views of the practice blueprint (实操): my runs, starting a run, filling its steps,
handing it in, and serving evidence photos to those who may see them."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import SopModule
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import DomainError, NotFound
from app.services.markdown import render_markdown, render_script
from app.services.practice import photos, run_pages, run_start, runs
from app.services.quiz.authoring import to_local
from app.web.forms import DatabaseFailed, committed, save_or_render
from app.web.learn.quiz_forms import wants_json
from app.web.media import upload_settings
from app.web.practice import bp
from app.web.practice.coaching import coach_report
from app.web.practice.forms import StartForm, page_steps, sent_values, step_input
from app.web.security_headers import allows_camera


@bp.context_processor
def _helpers():
    return {"markdown": render_markdown, "script": render_script,
            "status_labels": run_pages.STATUS_LABELS}


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


@bp.get("/")
@require(Permission.LEARN)
def index():
    return render_template("practice/index.html", groups=run_pages.my_runs(current_user),
                           modules=run_pages.startable_modules(current_user, utcnow()))


def _startable_or_404(sop_slug: str):
    module = db.session.scalar(select(SopModule).where(SopModule.slug == sop_slug))
    version = module and run_start.startable_version(current_user, module, utcnow())
    if not version:
        abort(404)
    return module, version


@bp.route("/start/<sop_slug>", methods=["GET", "POST"])
@require(Permission.LEARN)
def start(sop_slug: str):
    module, version = _startable_or_404(sop_slug)
    form = StartForm()
    if request.method == "GET":
        form.case_at.data = to_local(utcnow(), _zone()).replace(second=0, microsecond=0)
    return save_or_render(
        form, lambda: run_start.start_or_resume(current_user, module, form.case_code.data,
                                           form.context.data, form.case_time(_zone())),
        lambda started: url_for(".run", run_id=started[0].id), "practice/start.html",
        message=_start_message, module=module, version=version)


def _start_message(started) -> str:
    if started[1]:
        return _("Practice run started. Work through the steps below.")
    return _("You already have an open run of this SOP for case %(code)s: here it is.",
             code=started[0].case_code)


def _render_run(run_id: int, pending: dict | None = None, coach_key: str | None = None,
                alert: str | None = None, status: int = 200):
    """The run page; `pending` (step key → (values sent, refusal or None)) shows what was
    typed but not saved, `alert` a sentence above the steps."""
    try:
        page = run_pages.run_page(current_user, run_id)
    except NotFound:
        abort(404)
    report = coach_report(page, coach_key) if coach_key else None
    return render_template("practice/run.html", page=page, pending=pending or {},
                           coach_key=coach_key, report=report, now=utcnow(),
                           alert=alert), status


@bp.get("/runs/<int:run_id>")
@allows_camera  # the run page: evidence photos are taken here
@require(Permission.LEARN)
def run(run_id: int):
    return _render_run(run_id, coach_key=request.args.get("coach"))


def _own_or_404(run_id: int):
    try:
        return runs.own_run(current_user, run_id)
    except NotFound:
        abort(404)


@bp.post("/runs/<int:run_id>/steps/<step_key>")
@allows_camera  # the run page: evidence photos are taken here
@require(Permission.LEARN)
def save_step(run_id: int, step_key: str):
    """Save one step sent with its plain field names (note, done …); 检查话术 saves, then
    shows the coach's report."""
    run = _own_or_404(run_id)
    try:
        committed(lambda: runs.save_step(current_user, run, step_key,
                                         step_input(request.form, request.files),
                                         uploads=upload_settings()))
    except NotFound:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        return _render_run(run_id, {step_key: (request.form, error)})
    return _after_save(run_id, step_key if request.form.get("action") == "coach" else None,
                       step_key)


def _after_save(run_id: int, coach: str | None, anchor: str | None):
    if not coach:
        flash(_("Saved."), "success")
    return redirect(url_for(".run", run_id=run_id, coach=coach,
                            _anchor=f"step-{anchor}" if anchor else None))


def _save_page(run) -> dict:
    """Save every step the page sent, in one transaction: step key → (values sent, refusal)
    for the steps not saved. DomainError (nothing saved) when the run was handed in or the
    database failed."""
    entries = page_steps(request.form, request.files)
    if not entries:
        return {}
    errors = committed(lambda: runs.save_steps(current_user, run, entries,
                                               uploads=upload_settings()))
    return {key: (sent_values(request.form, key), error) for key, error in errors.items()}


def _everything_sent() -> dict:
    """Every step of the page as sent: shown again when nothing could be saved."""
    return {key: (sent_values(request.form, key), None)
            for key in page_steps(request.form, request.files)}


@bp.post("/runs/<int:run_id>/save")
@allows_camera  # the run page: evidence photos are taken here
@require(Permission.LEARN)
def save_run(run_id: int):
    """Save the whole page (the save buttons without JavaScript) or the fields an autosave
    sent (run.js, answered in JSON). A button's value "coach:<key>" then shows the coach's
    report for that step, "save:<key>" goes back to that step."""
    run = _own_or_404(run_id)
    try:
        refused = _save_page(run)
    except DomainError as error:
        db.session.rollback()
        if wants_json():
            return jsonify(saved=False, error=str(error)), 503 if isinstance(
                error, DatabaseFailed) else 409
        return _render_run(run_id, _everything_sent(), alert=str(error), status=409)
    if wants_json():
        return jsonify(_autosave_json(run_id, refused)), 400 if refused else 200
    if refused:
        return _render_run(run_id, refused, alert=_("Some steps were not saved: see the "
                                                    "marked steps."), status=400)
    action, _sep, key = request.form.get("action", "").partition(":")
    return _after_save(run_id, key if action == "coach" else None, key or None)


def _autosave_json(run_id: int, refused: dict) -> dict:
    page = run_pages.run_page(current_user, run_id)
    steps = {row.step.step_key: {
        "done": row.step.done_at is not None, "has_evidence": row.has_evidence,
        "photo_url": url_for(".photo", photo_id=row.step.photo_id)
        if row.step.photo_id else None} for row in page.rows}
    errors = {key: {"field": error.field, "message": str(error)}
              for key, (_values, error) in refused.items()}
    return {"saved": not refused, "errors": errors, "steps": steps, "done": page.done,
            "total": len(page.rows), "ready": page.ready}


@bp.post("/runs/<int:run_id>/submit")
@allows_camera  # the run page: evidence photos are taken here
@require(Permission.LEARN)
def submit(run_id: int):
    """提交审核: save what the page sent first (nothing typed is lost), then hand in."""
    run = _own_or_404(run_id)
    was_open = run.status in runs.OPEN
    if was_open:
        try:
            refused = _save_page(run)
        except DomainError as error:
            db.session.rollback()
            return _render_run(run_id, _everything_sent(), alert=str(error), status=409)
        if refused:
            return _render_run(run_id, refused, status=400, alert=_(
                "Not handed in: some steps were not saved. Fix the marked steps."))
    try:
        committed(lambda: runs.submit_run(current_user, run))
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".run", run_id=run_id, _anchor="submit"))
    flash(_("Handed in for review.") if was_open else _("This run was already handed in."),
          "success" if was_open else "info")
    return redirect(url_for(".run", run_id=run_id))


@bp.post("/runs/<int:run_id>/delete")
@require(Permission.LEARN)
def delete(run_id: int):
    """Delete a draft that was never handed in (started by mistake, or twice)."""
    run = _own_or_404(run_id)
    try:
        names = run_start.discard_draft(current_user, run)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".run", run_id=run_id))
    db.session.commit()
    run_start.remove_photo_files(names, upload_settings())
    flash(_("The draft was deleted."), "success")
    return redirect(url_for(".index"))


@bp.get("/photos/<int:photo_id>")
@require()
def photo(photo_id: int):
    """An evidence photo, for the run's employee and whoever may review the run."""
    try:
        found = photos.viewable_photo(current_user, photo_id)
    except NotFound:
        abort(404)
    path = photos.photo_path(found, upload_settings())
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.mime, conditional=True, max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
