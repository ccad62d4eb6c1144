"""The trainer's side: content authoring and audiences."""

from flask import Blueprint

bp = Blueprint("manage", __name__)

from app.web.manage import routes  # noqa: E402,F401
