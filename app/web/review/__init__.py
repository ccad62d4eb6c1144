"""Blueprint 'review' (issue 6)."""

from flask import Blueprint

bp = Blueprint("review", __name__)
