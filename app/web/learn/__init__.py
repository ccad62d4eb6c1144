"""The employee's side: 我的学习, courses and lessons, SOP modules, search."""

from flask import Blueprint

from app.services.markdown import render_markdown_once, render_script

bp = Blueprint("learn", __name__)


@bp.context_processor
def _renderers() -> dict:
    return {"markdown": render_markdown_once, "script": render_script}


from app.web.learn import (  # noqa: E402,F401
    class_routes,
    quiz_routes,
    record_routes,
    routes,
    sop_routes,
    survey_routes,
    task_routes,
    wrong_book_routes,
)
