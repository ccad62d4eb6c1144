"""Trainer views of offline classes (线下课): classes, their sessions, a session's roster with
the check-in / check-out QR codes, hand marks, scores and the attendance export."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import ClassEnrolment, User
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.classes import attendance, authoring, qr
from app.services.classes.enrolment import enrol
from app.services.errors import DomainError, NotFound
from app.services.quiz.authoring import to_local, to_utc
from app.web.class_forms import (
    ClassForm,
    EnrolForm,
    GradeForm,
    MarkForm,
    SessionForm,
    post_form,
)
from app.web.exporting import export_response
from app.web.forms import choices, save_or_render
from app.web.manage import bp


def _zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai"


def _found(getter, object_id):
    try:
        return getter(object_id)
    except NotFound:
        abort(404)


@bp.get("/classes")
@require(Permission.AUTHOR_CONTENT)
def classes():
    return render_template("manage/classes/index.html", rows=authoring.class_overview())


def _class_form(training_class):
    form = ClassForm(obj=training_class)
    data = lambda: authoring.ClassData(form.title.data, form.description.data or "",  # noqa: E731
                                       form.pass_score.data)
    return save_or_render(
        form, lambda: authoring.save_class(current_user, training_class, data()),
        lambda saved: url_for("manage.class_detail", class_id=saved.id),
        "manage/classes/form.html", training_class=training_class)


@bp.route("/classes/new", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def class_new():
    return _class_form(None)


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def class_edit(class_id: int):
    return _class_form(_found(authoring.get_class, class_id))


def _session_form() -> SessionForm:
    form = SessionForm()
    form.trainer_id.choices = choices([(0, _("Me"))] +
                                      [(u.id, u.name) for u in authoring.trainers()])
    return form


@bp.route("/classes/<int:class_id>", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def class_detail(class_id: int):
    """The class and its sessions; POST schedules a session."""
    training_class = _found(authoring.get_class, class_id)
    form = _session_form()

    def schedule():
        zone = _zone()
        return authoring.add_session(current_user, training_class, authoring.SessionData(
            to_utc(form.starts_at.data, zone, "starts_at"),
            to_utc(form.ends_at.data, zone, "ends_at"), form.place.data,
            form.capacity.data, form.trainer_id.data or None), utcnow())

    return save_or_render(form, schedule,
                          lambda saved: url_for("manage.class_session", session_id=saved.id),
                          "manage/classes/detail.html", training_class=training_class)


@bp.get("/class-sessions/<int:session_id>")
@require(Permission.AUTHOR_CONTENT)
def class_session(session_id: int):
    session = _found(authoring.get_session, session_id)
    now = utcnow()
    return render_template(
        "manage/classes/session.html", session=session, now=now,
        training_class=session.training_class, rows=authoring.roster(session),
        state=attendance.state, labels=attendance.STATE_LABELS, enrol_form=EnrolForm(),
        mark_form=MarkForm(), grade_form=GradeForm, qr_seconds=qr.seconds_left(now),
        local=lambda value: to_local(value, _zone()),
        windows={action: attendance.window_open(session, action, now)
                 for action in qr.ACTIONS})


@bp.get("/class-sessions/<int:session_id>/qr/<action>.svg")
@require(Permission.AUTHOR_CONTENT)
def class_qr(session_id: int, action: str):
    """The current QR code (an SVG drawn here); the page fetches a new one every 30 s."""
    session = _found(authoring.get_session, session_id)
    if action not in qr.ACTIONS:
        abort(404)
    url = url_for("learn.class_scan", session_id=session.id, action=action,
                  token=qr.current_token(session.id, action, utcnow()), _external=True)
    response = Response(qr.svg(url), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/class-sessions/<int:session_id>/enrol")
@require(Permission.AUTHOR_CONTENT)
def class_session_enrol(session_id: int):
    session = _found(authoring.get_session, session_id)
    form = EnrolForm()
    back = url_for("manage.class_session", session_id=session.id)

    def action():
        login = (form.login.data or "").strip()
        person = db.session.scalar(select(User).where(User.login == login, User.active.is_(True)))
        if person is None:
            raise DomainError(_("No active account has this login."))
        return enrol(current_user, session, person, utcnow())

    return post_form(form, action, back, _("Enrolled."))


def _enrolment_or_404(enrolment_id: int):
    found = db.session.get(ClassEnrolment, enrolment_id)
    if found is None:
        abort(404)
    return found


@bp.post("/class-enrolments/<int:enrolment_id>/mark")
@require(Permission.AUTHOR_CONTENT)
def class_mark(enrolment_id: int):
    enrolment = _enrolment_or_404(enrolment_id)
    form = MarkForm()
    return post_form(form, lambda: attendance.mark(
        current_user, enrolment, form.mark.data, form.reason.data or "", utcnow()),
        url_for("manage.class_session", session_id=enrolment.session_id), _("Marked."))


@bp.post("/class-enrolments/<int:enrolment_id>/grade")
@require(Permission.AUTHOR_CONTENT)
def class_grade(enrolment_id: int):
    enrolment = _enrolment_or_404(enrolment_id)
    form = GradeForm()
    return post_form(form, lambda: attendance.grade(
        current_user, enrolment, form.score.data, form.trainer_rating.data or None),
        url_for("manage.class_session", session_id=enrolment.session_id), _("Saved."))


@bp.get("/class-sessions/<int:session_id>/export")
@require(Permission.AUTHOR_CONTENT)
def class_session_export(session_id: int):
    session = _found(authoring.get_session, session_id)
    rows = attendance.export_rows(session, authoring.roster(session), utcnow())
    name = _("Attendance") + "-" + session.training_class.title
    return export_response(request.args.get("format"), name, attendance.EXPORT_HEADERS, rows)
