"""Views of the team blueprint."""

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.assign import follow
from app.services.org import department_options, department_paths
from app.services.results.history import person_history
from app.services.scope import get_team_member, led_department_ids, team_members
from app.web.forms import db_int
from app.web.results.helpers import local_today
from app.web.team import bp


@bp.get("/")
@require(Permission.VIEW_TEAM)
def index():
    query = team_members(current_user).where(User.active.is_(True)).options(
        joinedload(User.position)
    ).order_by(User.department_id, User.login)
    department_id = request.args.get("department", type=db_int)
    if department_id:
        query = query.where(User.department_id == department_id)
    members = list(db.session.scalars(query))
    return render_template("team/index.html", members=members, paths=department_paths(),
                           departments=department_options(led_department_ids(current_user)),
                           department_id=department_id)


@bp.get("/members/<int:user_id>")
@require(Permission.VIEW_TEAM)
def member(user_id: int):
    user = get_team_member(current_user, user_id)
    if user is None:
        abort(404)
    owes = follow.owed_by(user, utcnow())
    return render_template("team/member.html", member=user, paths=department_paths(), owes=owes,
                           owed_titles=follow.item_titles([row.Assignment for row in owes]),
                           results_history=person_history(user.id, local_today()))
