"""Blueprint 'points' (issue 7)."""

from flask import Blueprint

bp = Blueprint("points", __name__)

from app.web.points import routes  # noqa: E402,F401
