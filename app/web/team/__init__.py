"""The supervisor's side: the people of the departments they lead."""

from flask import Blueprint

bp = Blueprint("team", __name__)

from app.web.team import (  # noqa: E402,F401
    assignment_routes,
    class_routes,
    dashboard_routes,
    routes,
)
