"""Sign-in, sign-out, password change, language and the user's own account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.web.auth import identity_view, routes  # noqa: E402,F401
