"""Blueprint 'certificates' (issue 7)."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from app.web.certificates import routes  # noqa: E402,F401
