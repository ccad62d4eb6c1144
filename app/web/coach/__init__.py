"""Blueprint 'coach' (issue 6): the script coach (话术陪练) endpoint used by coach.js."""

from flask import Blueprint

bp = Blueprint("coach", __name__)

from app.web.coach import routes  # noqa: E402,F401
