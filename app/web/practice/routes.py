"""Views of the practice blueprint (实操): my runs, starting a run, filling its steps,
handing it in, and serving evidence photos to those who may see them."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import SopModule
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import DomainError, NotFound
from app.services.markdown import render_markdown, render_script
from app.services.practice import photos, run_pages, runs
from app.services.quiz.authoring import to_local
from app.web.forms import save_or_render
from app.web.media import upload_settings
from app.web.practice import bp
from app.web.practice.coaching import coach_report
from app.web.practice.forms import StartForm, step_input


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
    version = module and runs.startable_version(current_user, module, utcnow())
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
        form, lambda: runs.start_or_resume(current_user, module, form.case_code.data,
                                           form.context.data, form.case_time(_zone())),
        lambda started: url_for(".run", run_id=started[0].id), "practice/start.html",
        message=_start_message, module=module, version=version)


def _start_message(started) -> str:
    if started[1]:
        return _("Practice run started. Work through the steps below.")
    return _("You already have an open run of this SOP for case %(code)s: here it is.",
             code=started[0].case_code)


def _render_run(run_id: int, pending: dict | None = None, coach_key: str | None = None):
    try:
        page = run_pages.run_page(current_user, run_id)
    except NotFound:
        abort(404)
    report = coach_report(page, coach_key) if coach_key else None
    return render_template("practice/run.html", page=page, pending=pending or {},
                           coach_key=coach_key, report=report, now=utcnow())


@bp.get("/runs/<int:run_id>")
@require(Permission.LEARN)
def run(run_id: int):
    return _render_run(run_id, coach_key=request.args.get("coach"))


def _own_or_404(run_id: int):
    try:
        return runs.own_run(current_user, run_id)
    except NotFound:
        abort(404)


@bp.post("/runs/<int:run_id>/steps/<step_key>")
@require(Permission.LEARN)
def save_step(run_id: int, step_key: str):
    """Save one step (the no-JS form); 检查话术 saves, then shows the coach's report."""
    run = _own_or_404(run_id)
    try:
        runs.save_step(current_user, run, step_key, step_input(request.form, request.files),
                       uploads=upload_settings())
    except NotFound:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        return _render_run(run_id, {step_key: (request.form, error)})
    db.session.commit()
    coach = step_key if request.form.get("action") == "coach" else None
    if not coach:
        flash(_("Step saved."), "success")
    return redirect(url_for(".run", run_id=run_id, coach=coach, _anchor=f"step-{step_key}"))


@bp.post("/runs/<int:run_id>/submit")
@require(Permission.LEARN)
def submit(run_id: int):
    run = _own_or_404(run_id)
    was_open = run.status in runs.OPEN
    try:
        runs.submit_run(current_user, run)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".run", run_id=run_id, _anchor="submit"))
    db.session.commit()
    flash(_("Handed in for review.") if was_open else _("This run was already handed in."),
          "success" if was_open else "info")
    return redirect(url_for(".run", run_id=run_id))


@bp.post("/runs/<int:run_id>/delete")
@require(Permission.LEARN)
def delete(run_id: int):
    """Delete a draft that was never handed in (started by mistake, or twice)."""
    run = _own_or_404(run_id)
    try:
        names = runs.discard_draft(current_user, run)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".run", run_id=run_id))
    db.session.commit()
    runs.remove_photo_files(names, upload_settings())
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
