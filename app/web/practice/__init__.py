"""Blueprint 'practice' (issue 6)."""

from flask import Blueprint

bp = Blueprint("practice", __name__)

from app.web.practice import routes  # noqa: E402,F401  (registers the views)
