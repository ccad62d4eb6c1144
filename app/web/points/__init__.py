"""Blueprint 'points' (issue 7)."""

from flask import Blueprint

bp = Blueprint("points", __name__)
