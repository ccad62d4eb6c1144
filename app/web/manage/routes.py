"""Views of the manage blueprint: the trainer desk, the Markdown preview, image uploads."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.permissions import Permission, require
from app.services.content import history
from app.services.content.kinds import COURSE, SOP_MODULE
from app.services.content.working_copy import upload_image
from app.services.errors import DomainError
from app.services.markdown import render_markdown
from app.services.org import department_tree, headcounts, list_hospitals, list_positions
from app.web.forms import committed
from app.web.manage import bp
from app.web.manage.forms import ImageForm
from app.web.manage.helpers import accepts_upload
from app.web.media import upload_settings


@bp.get("/")
@require(Permission.AUTHOR_CONTENT)
def index():
    by_position, by_department = headcounts()
    return render_template(
        "manage/index.html", positions=list_positions(), hospitals=list_hospitals(),
        trees=department_tree(), by_position=by_position, by_department=by_department,
        courses=history.overview(COURSE), modules=history.overview(SOP_MODULE),
    )


@bp.post("/preview")
@require(Permission.AUTHOR_CONTENT)
def preview():
    """The editor's live preview: Markdown in, sanitised HTML out (CSRF token in a header)."""
    return render_markdown(request.form.get("text", "")), {"Content-Type":
                                                           "text/html; charset=utf-8"}


@bp.post("/images")
@accepts_upload("image")
@require(Permission.AUTHOR_CONTENT)
def image_upload():
    """Store an image for the editor and answer the Markdown line that shows it."""
    form = ImageForm()
    if not form.validate_on_submit():
        return jsonify(error=_("The form has expired. Reload the page and try again.")), 400
    if not form.uploads():
        return jsonify(error=_("Choose an image file.")), 400
    try:
        markdown = committed(lambda: upload_image(form.uploads()[0], current_user,
                                                  upload_settings()))
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=str(error)), 400
    return jsonify(markdown=markdown)
