"""Views of the review blueprint: the queue of submitted runs, and one run to review."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import PracticeRun
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import DomainError, NotFound
from app.services.org import department_options, department_paths
from app.services.practice import review_queue
from app.services.practice.review import review_run
from app.services.practice.rubric import criterion_label, rubric_of
from app.services.reports.queue_tables import review_table
from app.services.scope import led_department_ids
from app.web.exporting import table_download
from app.web.forms import attach_error, db_int
from app.web.review import bp
from app.web.review.forms import COMMENT, SCORE, ReviewForm


@bp.get("/")
@require(Permission.VIEW_TEAM)
def index():
    department_id = request.args.get("department", type=db_int)
    page = review_queue.review_queue(current_user, request.args.get("page", 1, type=db_int),
                                     department_id)
    return render_template("review/index.html", page=page, paths=department_paths(),
                           departments=department_options(led_department_ids(current_user)),
                           department_id=department_id)


@bp.get("/export")
@require(Permission.VIEW_TEAM)
def index_export():
    """Every run waiting for the viewer (the page's department filter) as Excel or CSV."""
    return table_download({"runs": (_("Practice runs to review"), review_table)}, "runs",
                          current_user, request.args.get("department", type=db_int), utcnow())


def _load(run_id: int) -> PracticeRun:
    try:
        return review_queue.load_run(current_user, run_id)
    except NotFound:
        abort(404)


def _employee_url(run: PracticeRun) -> str:
    """Where the employee's notification leads: their run, once the practice pages exist."""
    if "practice.run" in current_app.view_functions:
        return url_for("practice.run", run_id=run.id)
    return ""


def _page(run: PracticeRun, form: ReviewForm):
    rounds = review_queue.run_history(run)
    waiting = run.status == "submitted" and bool(rounds) and rounds[-1].review is None
    return render_template(
        "review/run.html", run=run, form=form, rounds=rounds, open_for_review=waiting,
        current=rounds[-1] if waiting else None, rubric=rubric_of(run.module),
        template_steps={s.key: s for s in run.version.steps}, label=criterion_label,
        department=department_paths().get(run.user.department_id, "—"),
        posted=request.form, SCORE=SCORE, COMMENT=COMMENT,
        photo_url=_photo_url)


def _photo_url(photo_id) -> str | None:
    if "practice.photo" not in current_app.view_functions or not isinstance(photo_id, int):
        return None
    return url_for("practice.photo", photo_id=photo_id)


@bp.route("/runs/<int:run_id>", methods=["GET", "POST"])
@require(Permission.VIEW_TEAM)
def run(run_id: int):
    found, form = _load(run_id), ReviewForm()
    if form.validate_on_submit():
        try:
            review = review_run(current_user, found, form.decision_data(), utcnow(),
                                url=_employee_url(found))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            found = _load(run_id)
        else:
            db.session.commit()
            flash(_("Signed off.") if review.decision == "signed_off"
                  else _("Returned for rework."), "success")
            return redirect(url_for(".index"))
    return _page(found, form)
