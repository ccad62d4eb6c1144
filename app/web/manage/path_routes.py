"""Trainer views for learning paths (学习地图): the list, details, stages, items, and the
positions that get a path as their onboarding path."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Position
from app.models.assignments import LearningPath, PathStage, PathStageItem
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.assign import path_authoring as authoring
from app.services.org import list_positions
from app.web.forms import choices
from app.web.manage import bp
from app.web.manage.forms import DeleteForm, MoveForm
from app.web.manage.helpers import post_action, save_or_render
from app.web.manage.path_forms import (
    KIND_LABELS,
    MODE_HINTS,
    MODE_LABELS,
    OnboardingForm,
    PathForm,
    StageForm,
    StageItemForm,
)
from app.web.manage.quiz_forms import FlagForm

LABELS = {"modes": MODE_LABELS, "mode_hints": MODE_HINTS, "kinds": KIND_LABELS}


def _detail(path_id: int, anchor: str | None = None) -> str:
    return url_for("manage.path_detail", path_id=path_id, _anchor=anchor)


def _path_form(form: PathForm, path: LearningPath | None):
    data = lambda: authoring.PathData(  # noqa: E731
        form.title.data, form.description.data, form.mode.data,
        validity_months=form.validity_months.data, recert_days=form.recert_days.data)
    return save_or_render(form, lambda: authoring.save_path(path, data(), current_user),
                          lambda saved: _detail(saved.id), "manage/paths/form.html",
                          path=path, **LABELS)


@bp.get("/paths")
@require(Permission.AUTHOR_CONTENT)
def paths():
    return render_template("manage/paths/index.html", rows=authoring.path_overview(), **LABELS)


@bp.route("/paths/new", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def path_new():
    return _path_form(PathForm(), None)


@bp.route("/paths/<int:path_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def path_edit(path_id: int):
    path = db.get_or_404(LearningPath, path_id)
    return _path_form(PathForm(obj=path), path)


@bp.get("/paths/<int:path_id>")
@require(Permission.AUTHOR_CONTENT)
def path_detail(path_id: int):
    path = db.first_or_404(select(LearningPath).where(LearningPath.id == path_id).options(
        selectinload(LearningPath.stages).selectinload(PathStage.items)))
    item_form, onboarding_form = StageItemForm(), OnboardingForm()
    item_form.item.choices = [("", _("— choose —"))] + [
        (f"{kind}:{item_id}", f"{KIND_LABELS[kind]} · {title}")
        for kind, rows in authoring.item_choices().items() for item_id, title in rows]
    onboarding_form.position_id.choices = choices(
        [(0, _("— choose —"))] + [(p.id, p.name) for p in list_positions()])
    return render_template("manage/paths/detail.html", path=path,
                           titles=authoring.item_titles(path), stage_form=StageForm(),
                           item_form=item_form, onboarding_form=onboarding_form,
                           onboarding=authoring.onboarding_positions(path), **LABELS)


@bp.post("/paths/<int:path_id>/archive")
@require(Permission.AUTHOR_CONTENT)
def path_archive(path_id: int):
    path, form = db.get_or_404(LearningPath, path_id), FlagForm()
    archive = form.value.data == "1"
    return post_action(form, lambda: authoring.set_archived(path, archive), _detail(path.id),
                       _("Archived.") if archive else _("Restored."))


# ---- stages ------------------------------------------------------------------------------------

@bp.post("/paths/<int:path_id>/stages")
@require(Permission.AUTHOR_CONTENT)
def path_stage_add(path_id: int):
    path, form = db.get_or_404(LearningPath, path_id), StageForm()
    return post_action(form, lambda: authoring.add_stage(path, form.title.data,
                                                         form.opens_after_days.data),
                       _detail(path.id, "stages"), _("Stage added."))


@bp.route("/path-stages/<int:stage_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def path_stage_edit(stage_id: int):
    stage = db.get_or_404(PathStage, stage_id)
    form, back = StageForm(obj=stage), _detail(stage.path_id, f"stage-{stage.id}")
    if stage.path.mode != "dated":
        del form.opens_after_days  # only a dated path opens its stages by days
    return save_or_render(form, lambda: authoring.save_stage(stage, form.title.data,
                                                             _days(form, stage)),
                          lambda _saved: back, "manage/simple_form.html",
                          title=_("Edit the stage"), back=back)


def _days(form: StageForm, stage: PathStage) -> int | None:
    return form.opens_after_days.data if "opens_after_days" in form else stage.opens_after_days


@bp.post("/path-stages/<int:stage_id>/move")
@require(Permission.AUTHOR_CONTENT)
def path_stage_move(stage_id: int):
    stage, form = db.get_or_404(PathStage, stage_id), MoveForm()
    return post_action(form, lambda: authoring.move_stage(stage, form.direction.data),
                       _detail(stage.path_id, f"stage-{stage.id}"))


@bp.post("/path-stages/<int:stage_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def path_stage_delete(stage_id: int):
    stage = db.get_or_404(PathStage, stage_id)
    return post_action(DeleteForm(), lambda: authoring.delete_stage(stage),
                       _detail(stage.path_id, "stages"), _("Deleted."))


# ---- items ---------------------------------------------------------------------------------------

@bp.post("/path-stages/<int:stage_id>/items")
@require(Permission.AUTHOR_CONTENT)
def path_item_add(stage_id: int):
    stage, form = db.get_or_404(PathStage, stage_id), StageItemForm()
    return post_action(form, lambda: authoring.add_item(stage, form.item.data),
                       _detail(stage.path_id, f"stage-{stage.id}"), _("Added to the stage."))


@bp.post("/path-items/<int:path_item_id>/move")
@require(Permission.AUTHOR_CONTENT)
def path_item_move(path_item_id: int):
    item, form = db.get_or_404(PathStageItem, path_item_id), MoveForm()
    return post_action(form, lambda: authoring.move_item(item, form.direction.data),
                       _detail(item.stage.path_id, f"stage-{item.stage_id}"))


@bp.post("/path-items/<int:path_item_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def path_item_delete(path_item_id: int):
    item = db.get_or_404(PathStageItem, path_item_id)
    return post_action(DeleteForm(), lambda: authoring.remove_item(item),
                       _detail(item.stage.path_id, f"stage-{item.stage_id}"),
                       _("Removed from the stage."))


# ---- onboarding ----------------------------------------------------------------------------------

@bp.post("/paths/<int:path_id>/onboarding")
@require(Permission.AUTHOR_CONTENT)
def path_onboarding(path_id: int):
    path, form = db.get_or_404(LearningPath, path_id), OnboardingForm()
    return post_action(form, lambda: authoring.make_onboarding(
        path, form.position_id.data, form.due_days.data, current_user, utcnow()),
        _detail(path.id, "onboarding"), _("New employees of this position now get this path."))


@bp.post("/paths/<int:path_id>/onboarding/<int:position_id>/stop")
@require(Permission.AUTHOR_CONTENT)
def path_onboarding_stop(path_id: int, position_id: int):
    path, position = db.get_or_404(LearningPath, path_id), db.get_or_404(Position, position_id)
    return post_action(DeleteForm(), lambda: authoring.stop_onboarding(path, position, utcnow()),
                       _detail(path.id, "onboarding"), _("Stopped."))
