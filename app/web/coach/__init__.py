"""Blueprint 'coach' (issue 6)."""

from flask import Blueprint

bp = Blueprint("coach", __name__)
