"""Blueprint 'results' (issue 6): 我的成果, the team's figures, metrics and Excel import."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from app.web.results import admin_routes, routes, team_routes  # noqa: E402,F401
