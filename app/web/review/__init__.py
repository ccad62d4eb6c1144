"""Blueprint 'review' (issue 6): supervisors review submitted practice runs (实操审核)."""

from datetime import UTC, datetime

from flask import Blueprint
from flask_babel import format_datetime, format_timedelta
from flask_login import current_user

from app.models.base import utcnow
from app.permissions import Permission, has_permission
from app.services.markdown import render_markdown, render_script
from app.services.practice import review_queue

bp = Blueprint("review", __name__)


def when(value) -> str:
    """A snapshot's ISO UTC time (done_at), in the reader's time zone."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC),
                           "yyyy-MM-dd HH:mm")


def waited(since: datetime | None) -> str:
    """How long a run has waited, in words ("3 days")."""
    return format_timedelta(utcnow() - since, threshold=1.1) if since else "—"


@bp.context_processor
def _renderers() -> dict:
    return {"markdown": render_markdown, "script": render_script, "when": when,
            "waited": waited}


@bp.app_context_processor
def _member_runs() -> dict:
    """`member_runs(user_id)` for the team member page (the 实操审核 tab's count:
    app/web/badges.py)."""

    def member_runs(user_id: int) -> list:
        """A team member's practice runs (their team page), when the reader may review them."""
        if not has_permission(current_user, Permission.VIEW_TEAM):
            return []
        return review_queue.member_runs(current_user, user_id)

    return {"member_runs": member_runs}


from app.web.review import routes  # noqa: E402,F401
