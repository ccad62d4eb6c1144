"""The employee's side: 我的学习."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from app.web.learn import routes  # noqa: E402,F401
