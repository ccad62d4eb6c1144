"""Grading by people: short answers waiting for a supervisor or trainer, and read-only views
of the attempts in their scope."""

from flask import Blueprint
from flask_login import current_user

from app.permissions import Permission, has_permission
from app.services.markdown import render_markdown
from app.services.quiz.grading_queue import waiting_count

bp = Blueprint("grading", __name__)


@bp.context_processor
def _renderers() -> dict:
    return {"markdown": render_markdown}


@bp.app_context_processor
def _waiting_answers() -> dict:
    """`grading_waiting()` for the 阅卷 tab: one COUNT, run only when a template calls it."""

    def grading_waiting() -> int:
        if not any(has_permission(current_user, p)
                   for p in (Permission.VIEW_TEAM, Permission.AUTHOR_CONTENT)):
            return 0
        return waiting_count(current_user)

    return {"grading_waiting": grading_waiting}


from app.web.grading import routes  # noqa: E402,F401
