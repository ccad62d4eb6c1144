"""The notification centre: the bell in the header (unread count) and the list."""

from flask import Blueprint
from flask_login import current_user

from app.services.assign.notify import unread_count

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _bell() -> dict:
    """`unread_notifications()` for the header's bell: one COUNT, run only when a template
    calls it, and only for a signed-in user."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user)

    return {"unread_notifications": unread_notifications}


from app.web.notifications import routes  # noqa: E402,F401
