"""The employee's offline-class pages: a class and its sessions (enrol, cancel, ask for leave,
rate), and the page a check-in / check-out QR code opens."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import ClassEnrolment, ClassSession, TrainingClass
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.classes import attendance, authoring, enrolment
from app.services.errors import DomainError, NotFound
from app.services.items.kinds import CLASS
from app.services.surveys.attachments import evaluations_due
from app.web.class_forms import ButtonForm, LeaveForm, RateForm, post_form
from app.web.forms import committed
from app.web.learn import bp


def _class_or_404(class_slug: str) -> TrainingClass:
    found = db.session.scalar(select(TrainingClass).where(TrainingClass.slug == class_slug))
    if found is None or found.archived:
        abort(404)
    return found


def _mine(enrolment_id: int) -> ClassEnrolment:
    try:
        return enrolment.own_enrolment(current_user, enrolment_id)
    except NotFound:
        abort(404)


def _back(mine: ClassEnrolment) -> str:
    return url_for("learn.training_class",
                   class_slug=db.session.get(TrainingClass, mine.class_id).slug)


@bp.get("/classes/<class_slug>")
@require(Permission.LEARN)
def training_class(class_slug: str):
    found = _class_or_404(class_slug)
    mine = db.session.scalar(select(ClassEnrolment).where(
        ClassEnrolment.class_id == found.id, ClassEnrolment.user_id == current_user.id))
    now = utcnow()
    return render_template(
        "learn/class.html", training_class=found, mine=mine, now=now,
        sessions=authoring.sessions_of(found),
        state=attendance.state(mine, mine.session, now) if mine else None,
        labels=attendance.STATE_LABELS, button=ButtonForm(), leave_form=LeaveForm(),
        rate_form=RateForm(), evaluations=evaluations_due(current_user, CLASS.key, found.id))


@bp.post("/class-sessions/<int:session_id>/enrol")
@require(Permission.LEARN)
def class_enrol(session_id: int):
    session = db.session.get(ClassSession, session_id)
    if session is None:
        abort(404)
    slug = db.session.get(TrainingClass, session.class_id).slug
    return post_form(ButtonForm(), lambda: enrolment.enrol(
        current_user, session, current_user, utcnow()),
        url_for("learn.training_class", class_slug=slug), _("You are enrolled."))


@bp.post("/class-enrolments/<int:enrolment_id>/cancel")
@require(Permission.LEARN)
def class_cancel(enrolment_id: int):
    mine = _mine(enrolment_id)
    back = _back(mine)
    return post_form(ButtonForm(), lambda: enrolment.cancel(current_user, mine, utcnow()),
                       back, _("Your enrolment is cancelled."))


@bp.post("/class-enrolments/<int:enrolment_id>/leave")
@require(Permission.LEARN)
def class_leave(enrolment_id: int):
    mine = _mine(enrolment_id)
    form = LeaveForm()
    return post_form(form, lambda: enrolment.request_leave(
        current_user, mine, form.reason.data or "", utcnow()), _back(mine),
        _("Your leave request was sent to your supervisor."))


@bp.post("/class-enrolments/<int:enrolment_id>/rate")
@require(Permission.LEARN)
def class_rate(enrolment_id: int):
    mine = _mine(enrolment_id)
    form = RateForm()
    return post_form(form, lambda: attendance.rate(
        current_user, mine, form.rating.data, form.comment.data or "", utcnow()),
        _back(mine), _("Thank you for your rating."))


@bp.route("/class-scan/<int:session_id>/<action>/<token>", methods=["GET", "POST"])
@require(Permission.LEARN)
def class_scan(session_id: int, action: str, token: str):
    """What a QR code opens: GET asks to confirm (it writes nothing), POST checks in/out."""
    session = db.session.get(ClassSession, session_id)
    if session is None or action not in ("in", "out"):
        abort(404)
    form, done, error = ButtonForm(), None, None
    if form.validate_on_submit():
        try:
            done = committed(lambda: attendance.scanned(current_user, session, action, token,
                                                        utcnow()))
        except DomainError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            flash(_("Checked in.") if action == "in" else _("Checked out."), "success")
            return redirect(url_for("learn.training_class",
                                    class_slug=session.training_class.slug))
    return render_template("learn/class_scan.html", session=session, action=action,
                           form=form, done=done, error=error,
                           training_class=session.training_class)
