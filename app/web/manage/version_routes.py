"""Trainer views for versions: publish with a change note, the history, comparing two."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import Course, SopModule
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.content import history
from app.web.forms import db_int
from app.web.manage import bp
from app.web.manage.forms import PublishForm, SopPublishForm
from app.web.manage.helpers import save_or_render


def _published(version) -> str:
    return _("Version %(number)d is published.", number=version.number)


@bp.route("/courses/<int:course_id>/publish", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def course_publish(course_id: int):
    course, form = db.get_or_404(Course, course_id), PublishForm()
    return save_or_render(
        form, lambda: history.publish_course(course, current_user, form.change_note.data),
        lambda _v: url_for("manage.course_versions", course_id=course.id),
        "manage/publish.html", message=_published, item=course, kind="course",
        status=history.course_status(course), changes=history.course_pending_changes(course),
    )


@bp.route("/sop/<int:module_id>/publish", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def sop_publish(module_id: int):
    module, form = db.get_or_404(SopModule, module_id), SopPublishForm()
    return save_or_render(
        form, lambda: history.publish_sop(module, current_user, form.change_note.data,
                                          form.requires_reack.data,
                                          reack_days=form.reack_days.data, now=utcnow()),
        lambda _v: url_for("manage.sop_versions", module_id=module.id),
        "manage/publish.html", message=_published, item=module, kind="sop",
        status=history.sop_status(module), changes=history.sop_pending_changes(module),
    )


@bp.get("/courses/<int:course_id>/versions")
@require(Permission.AUTHOR_CONTENT)
def course_versions(course_id: int):
    course = db.get_or_404(Course, course_id)
    return render_template("manage/versions.html", item=course, kind="course",
                           versions=history.course_versions(course))


@bp.get("/sop/<int:module_id>/versions")
@require(Permission.AUTHOR_CONTENT)
def sop_versions(module_id: int):
    module = db.get_or_404(SopModule, module_id)
    return render_template("manage/versions.html", item=module, kind="sop",
                           versions=history.sop_versions(module))


@bp.get("/courses/<int:course_id>/diff")
@require(Permission.AUTHOR_CONTENT)
def course_diff(course_id: int):
    course = db.get_or_404(Course, course_id)
    comparison = history.compare_course(course, request.args.get("old", type=db_int),
                                        request.args.get("new", type=db_int))
    return render_template("manage/diff.html", item=course, kind="course",
                           comparison=comparison)


@bp.get("/sop/<int:module_id>/diff")
@require(Permission.AUTHOR_CONTENT)
def sop_diff(module_id: int):
    module = db.get_or_404(SopModule, module_id)
    comparison = history.compare_sop(module, request.args.get("old", type=db_int),
                                     request.args.get("new", type=db_int))
    return render_template("manage/diff.html", item=module, kind="sop",
                           comparison=comparison)
