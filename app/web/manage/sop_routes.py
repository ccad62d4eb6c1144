"""Trainer views for SOP modules: details and audience, ordered steps."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import SopModule, SopStep
from app.permissions import Permission, require
from app.services.content import history
from app.services.content import sop_authoring as sop
from app.services.content.kinds import SOP_MODULE
from app.services.practice import rubric
from app.web.manage import bp
from app.web.manage.forms import (
    EVIDENCE_LABELS,
    ArchiveForm,
    DeleteForm,
    MoveForm,
    RubricForm,
    SopModuleForm,
    StepForm,
)
from app.web.manage.helpers import fill_audience, position_choices, post_action, save_or_render


def _sop_module_data(form: SopModuleForm) -> sop.SopModuleData:
    return sop.SopModuleData(
        title=form.title.data, purpose=form.purpose.data,
        owner_position_id=form.owner_position_id.data or None, sort_order=form.sort_order.data,
        position_ids=form.position_ids.data or [], department_ids=form.department_ids.data or [],
        validity_months=form.validity_months.data, recert_days=form.recert_days.data,
        slug=form.slug.data,
    )


def _sop_module_form(form: SopModuleForm, sop_module: SopModule | None):
    fill_audience(form, sop_module)
    position_choices(form.owner_position_id, _("— none —"))
    return save_or_render(form, lambda: sop.save_sop_module(sop_module, _sop_module_data(form),
                                                            current_user),
                          lambda saved: url_for("manage.sop_detail", module_id=saved.id),
                          "manage/sop_form.html", sop_module=sop_module)


@bp.route("/sop/new", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def sop_new():
    return _sop_module_form(SopModuleForm(), None)


@bp.route("/sop/<int:module_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def sop_edit(module_id: int):
    sop_module = db.get_or_404(SopModule, module_id)
    return _sop_module_form(SopModuleForm(obj=sop_module), sop_module)


@bp.get("/sop/<int:module_id>")
@require(Permission.AUTHOR_CONTENT)
def sop_detail(module_id: int):
    sop_module = db.first_or_404(select(SopModule).where(SopModule.id == module_id).options(
        selectinload(SopModule.steps).selectinload(SopStep.responsible_position),
        selectinload(SopModule.positions), selectinload(SopModule.departments)))
    return render_template("manage/sop.html", sop_module=sop_module,
                           status=history.status(SOP_MODULE, sop_module),
                           evidence_labels=EVIDENCE_LABELS, rubric=rubric.rubric_of(sop_module),
                           rubric_form=RubricForm(
                               data={"criteria": rubric.rubric_lines(sop_module)}))


@bp.post("/sop/<int:module_id>/rubric")
@require(Permission.AUTHOR_CONTENT)
def sop_rubric(module_id: int):
    sop_module, form = db.get_or_404(SopModule, module_id), RubricForm()
    criteria = rubric.split_lines(form.criteria.data)
    return post_action(form, lambda: rubric.set_rubric(current_user, sop_module, criteria),
                       url_for("manage.sop_detail", module_id=sop_module.id, _anchor="rubric"),
                       _("Rubric saved."))


@bp.post("/sop/<int:module_id>/archive")
@require(Permission.AUTHOR_CONTENT)
def sop_archive(module_id: int):
    sop_module, form = db.get_or_404(SopModule, module_id), ArchiveForm()
    archived = form.archived.data == "1"
    return post_action(form, lambda: sop.set_sop_module_archived(sop_module, archived),
                       url_for("manage.sop_detail", module_id=sop_module.id),
                       _("Archived.") if archived else _("Restored."))


# ---- steps -----------------------------------------------------------------------------------

def _step_data(form: StepForm) -> sop.StepData:
    return sop.StepData(
        title=form.title.data, instructions=form.instructions.data, script=form.script.data,
        responsible_position_id=form.responsible_position_id.data or None,
        timing=form.timing.data, timing_from=form.timing_from.data,
        evidence_type=form.evidence_type.data, evidence_hint=form.evidence_hint.data,
        evidence_label=form.evidence_label.data, evidence_unit=form.evidence_unit.data,
        key_points=form.key_points.data,
    )


def _step_form(form: StepForm, sop_module: SopModule, step: SopStep | None):
    position_choices(form.responsible_position_id, _("— none —"))
    if not isinstance(form.key_points.data, str):  # the step's list, shown as lines
        form.key_points.data = sop.format_key_points(form.key_points.data)
    return save_or_render(form, lambda: sop.save_step(sop_module, step, _step_data(form)),
                          lambda saved: url_for("manage.sop_detail", module_id=sop_module.id,
                                                _anchor=f"step-{saved.id}"),
                          "manage/step_form.html", sop_module=sop_module, step=step)


@bp.route("/sop/<int:module_id>/steps/new", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def step_new(module_id: int):
    return _step_form(StepForm(), db.get_or_404(SopModule, module_id), None)


@bp.route("/steps/<int:step_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def step_edit(step_id: int):
    step = db.get_or_404(SopStep, step_id)
    return _step_form(StepForm(obj=step), step.module, step)


@bp.post("/steps/<int:step_id>/move")
@require(Permission.AUTHOR_CONTENT)
def step_move(step_id: int):
    step, form = db.get_or_404(SopStep, step_id), MoveForm()
    return post_action(form, lambda: sop.move_step(step, form.direction.data),
                       url_for("manage.sop_detail", module_id=step.module_id,
                               _anchor=f"step-{step.id}"))


@bp.post("/steps/<int:step_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def step_delete(step_id: int):
    step = db.get_or_404(SopStep, step_id)
    return post_action(DeleteForm(), lambda: sop.delete_step(step),
                       url_for("manage.sop_detail", module_id=step.module_id,
                               _anchor="steps"), _("Deleted."))
