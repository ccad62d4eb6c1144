"""The trainer's side: the trainer desk, authoring courses, SOP modules and quizzes, versions."""

from flask import Blueprint

from app.services.markdown import render_markdown, render_script

bp = Blueprint("manage", __name__)


@bp.context_processor
def _renderers() -> dict:
    return {"markdown": render_markdown, "script": render_script}


from app.web.manage import (  # noqa: E402,F401
    analytics_routes,
    bank_routes,
    class_routes,
    course_routes,
    path_routes,
    question_routes,
    quiz_question_routes,
    quiz_routes,
    routes,
    sop_routes,
    survey_routes,
    version_routes,
)
