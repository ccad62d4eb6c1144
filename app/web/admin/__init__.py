"""The administrator's side: organisation, accounts and roster import."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.web.admin import org_routes, roster_routes, user_routes  # noqa: E402,F401
