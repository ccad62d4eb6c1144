"""The front door: send each user to the home page of their role; health checks."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from app.extensions import db
from app.permissions import Role, sorted_roles

bp = Blueprint("home", __name__)

HOME_OF_ROLE = {
    Role.ADMIN: "admin.index",
    Role.TRAINER: "manage.index",
    Role.SUPERVISOR: "team.index",
    Role.EMPLOYEE: "learn.index",
}


@bp.get("/")
@login_required
def index():
    roles = sorted_roles(current_user.roles)
    return redirect(url_for(HOME_OF_ROLE[roles[0]] if roles else "auth.profile"))


@bp.get("/healthz")
def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/readyz")
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means not ready
        db.session.rollback()
        return "database unavailable", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ready", 200, {"Content-Type": "text/plain; charset=utf-8"}
