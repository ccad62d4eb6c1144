"""Blueprint 'results' (issue 6)."""

from flask import Blueprint

bp = Blueprint("results", __name__)
