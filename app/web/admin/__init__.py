"""The administrator's side: organisation, accounts and roster import."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.web.admin import (  # noqa: E402,F401
    directory_routes,
    org_routes,
    privacy_routes,
    roster_routes,
    sign_in_routes,
    token_routes,
    user_routes,
    webhook_routes,
)
