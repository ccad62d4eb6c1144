"""Blueprint 'api' (issue 7)."""

from flask import Blueprint

bp = Blueprint("api", __name__)
