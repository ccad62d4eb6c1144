"""Grading by people: short answers waiting for a supervisor or trainer, and read-only views
of the attempts in their scope."""

from flask import Blueprint

from app.services.markdown import render_markdown

bp = Blueprint("grading", __name__)  # the 阅卷 tab's count: app/web/badges.py


@bp.context_processor
def _renderers() -> dict:
    return {"markdown": render_markdown}


from app.web.grading import routes  # noqa: E402,F401
