"""The trainer's side: the trainer desk, authoring courses and SOP modules, versions."""

from flask import Blueprint

from app.services.markdown import render_markdown, render_script

bp = Blueprint("manage", __name__)


@bp.context_processor
def _renderers() -> dict:
    return {"markdown": render_markdown, "script": render_script}


from app.web.manage import course_routes, routes, sop_routes, version_routes  # noqa: E402,F401
