"""The team dashboard (people × assignments, rates, quizzes, reviews, results) and a team
member's record, with their downloads. Scope: `app.services.scope` through the reports
services; someone outside the actor's departments is a 404, a department filter outside
them is ignored."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, render_template, request
from flask_login import current_user

from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.certificates import team_renewals
from app.services.reports.dashboard import WEAKEST_MIN_ANSWERS
from app.services.reports.export_rows import DASHBOARD_TABLES
from app.services.reports.filters import Filters, make_view
from app.services.reports.pages import dashboard_page
from app.services.scope import get_team_member
from app.web.exporting import table_download
from app.web.forms import db_int
from app.web.records import record_export, render_record
from app.web.results.helpers import local_today
from app.web.team import bp


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _view():
    filters = Filters(department_id=request.args.get("department", type=db_int),
                      position_id=request.args.get("position", type=db_int),
                      assignment_id=request.args.get("assignment", type=db_int),
                      date_from=_date_arg("from"), date_to=_date_arg("to"))
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    return make_view(current_user, filters, utcnow(), zone)


@bp.get("/dashboard")
@require(Permission.VIEW_TEAM)
def dashboard():
    page = dashboard_page(_view(), request.args.get("page", 1, type=db_int), local_today())
    return render_template("team/dashboard.html", data=page,
                           min_answers=WEAKEST_MIN_ANSWERS,
                           renewals=team_renewals(current_user, utcnow()))


@bp.get("/dashboard/export")
@require(Permission.VIEW_TEAM)
def dashboard_export():
    return table_download(DASHBOARD_TABLES, "matrix", _view(), local_today())


def _member_or_404(user_id: int):
    return get_team_member(current_user, user_id) or abort(404)


@bp.get("/members/<int:user_id>/record")
@require(Permission.VIEW_TEAM)
def member_record(user_id: int):
    return render_record(_member_or_404(user_id), mine=False)


@bp.get("/members/<int:user_id>/record/export")
@require(Permission.VIEW_TEAM)
def member_record_export(user_id: int):
    return record_export(_member_or_404(user_id))
