"""Blueprint 'certificates' (issue 7)."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
