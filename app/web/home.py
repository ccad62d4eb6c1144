"""The front door: send each user to the home page of their role; health checks."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, url_for
from flask_login import current_user, login_required

from app.permissions import Role, sorted_roles
from app.services import health

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
    """JSON: each part "ok" or what is wrong (docs/degraded-modes.md); 503 only when the
    database fails, 200 with "status": "degraded" when Redis or the upload folder does."""
    database_ok, report = health.readiness(current_app.config)
    return jsonify(report), 200 if database_ok else 503
