"""The notification centre: the bell in the header (unread count) and the list."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)  # the bell's count: app/web/badges.py


from app.web.notifications import routes  # noqa: E402,F401
