"""Blueprint 'practice' (issue 6)."""

from flask import Blueprint

bp = Blueprint("practice", __name__)
