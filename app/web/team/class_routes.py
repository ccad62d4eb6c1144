"""The supervisor's offline-class page: leave requests (请假) of their people to approve or
reject, and enrolling one of their people in a session."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import ClassEnrolment, ClassSession, User
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.classes import enrolment
from app.services.errors import DomainError
from app.services.scope import get_team_member, team_members
from app.web.class_forms import DecideForm, TeamEnrolForm, post_form
from app.web.forms import choices
from app.web.team import bp


def _enrol_form(now) -> TeamEnrolForm:
    form = TeamEnrolForm()
    form.user_id.choices = choices((u.id, f"{u.name} ({u.login})") for u in db.session.scalars(
        team_members(current_user).where(User.active.is_(True)).order_by(User.name)))
    form.session_id.choices = choices(
        (s.id, " · ".join((c.title, format_datetime(s.starts_at, "yyyy-MM-dd HH:mm"), s.place)))
        for s, c in enrolment.upcoming_sessions(now))
    return form


@bp.get("/classes")
@require(Permission.VIEW_TEAM)
def classes():
    now = utcnow()
    return render_template("team/classes.html", requests=enrolment.leave_queue(current_user),
                           decide=DecideForm(), enrol_form=_enrol_form(now))


@bp.post("/class-leave/<int:enrolment_id>")
@require(Permission.VIEW_TEAM)
def class_leave_decide(enrolment_id: int):
    found = db.session.get(ClassEnrolment, enrolment_id)
    if found is None or get_team_member(current_user, found.user_id) is None:
        abort(404)
    form = DecideForm()
    approve = form.decision.data == "approve"
    message = _("Leave approved.") if approve else _("Leave rejected.")
    return post_form(form, lambda: enrolment.decide_leave(
        current_user, enrolment_id, approve, utcnow()), url_for("team.classes"), message)


@bp.post("/classes/enrol")
@require(Permission.VIEW_TEAM)
def class_team_enrol():
    form = TeamEnrolForm()
    form.user_id.validate_choice = form.session_id.validate_choice = False

    def action():
        session = db.session.get(ClassSession, form.session_id.data)
        person = db.session.scalar(team_members(current_user).where(
            User.id == form.user_id.data))
        if session is None or person is None:
            raise DomainError(_("Choose a person of your team and a session."))
        return enrolment.enrol(current_user, session, person, utcnow())

    return post_form(form, action, url_for("team.classes"), _("Enrolled."))
