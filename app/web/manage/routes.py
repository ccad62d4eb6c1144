"""Views of the manage blueprint."""

from flask import render_template

from app.permissions import Permission, require
from app.services.org import department_tree, headcounts, list_hospitals, list_positions
from app.web.manage import bp


@bp.get("/")
@require(Permission.AUTHOR_CONTENT)
def index():
    by_position, by_department = headcounts()
    return render_template(
        "manage/index.html", positions=list_positions(), hospitals=list_hospitals(),
        trees=department_tree(), by_position=by_position, by_department=by_department,
    )
