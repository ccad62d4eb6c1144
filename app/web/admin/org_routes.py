"""Admin views for hospitals, departments and positions."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Department, Hospital, Position
from app.permissions import Permission, require
from app.services import org
from app.services.reports.org_tables import ORG_TABLES
from app.web.admin import bp
from app.web.admin.forms import ConfirmForm, DepartmentForm, HospitalForm, PositionForm
from app.web.exporting import table_download
from app.web.forms import choices, post_action, save_or_render


def _save_or_render(form, save: Callable[[], object], list_endpoint: str, template: str,
                    **context):
    return save_or_render(form, save, lambda _saved: url_for(list_endpoint), template,
                          **context)


def _delete(remove: Callable[[], None], list_endpoint: str):
    return post_action(ConfirmForm(), remove, url_for(list_endpoint), _("Deleted."))


# ---- hospitals -------------------------------------------------------------------------------

@bp.get("/org/export")
@require(Permission.MANAGE_ORG)
def org_export():
    """?table=hospitals|departments|positions|metrics as Excel or CSV."""
    return table_download(ORG_TABLES, "departments")


@bp.get("/hospitals")
@require(Permission.MANAGE_ORG)
def hospitals():
    return render_template("admin/hospitals.html", hospitals=org.list_hospitals(),
                           confirm=ConfirmForm())


@bp.route("/hospitals/new", methods=["GET", "POST"])
@bp.route("/hospitals/<int:hospital_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_ORG)
def hospital_form(hospital_id: int | None = None):
    hospital = db.get_or_404(Hospital, hospital_id) if hospital_id else None
    form = HospitalForm(obj=hospital)
    return _save_or_render(
        form, lambda: org.save_hospital(hospital, name=form.name.data, code=form.code.data,
                                        sort_order=form.sort_order.data or 0),
        "admin.hospitals", "admin/org_form.html", item=hospital,
        title=_("Edit hospital") if hospital else _("New hospital"),
    )


@bp.post("/hospitals/<int:hospital_id>/delete")
@require(Permission.MANAGE_ORG)
def hospital_delete(hospital_id: int):
    hospital = db.get_or_404(Hospital, hospital_id)
    return _delete(lambda: org.delete_hospital(hospital), "admin.hospitals")


# ---- departments -----------------------------------------------------------------------------

@bp.get("/departments")
@require(Permission.MANAGE_ORG)
def departments():
    _by_position, by_department = org.headcounts()
    return render_template("admin/departments.html", hospitals=org.list_hospitals(),
                           trees=org.department_tree(), counts=by_department,
                           webhooks=org.webhook_labels(), confirm=ConfirmForm())


@bp.route("/departments/new", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_ORG)
def department_form(department_id: int | None = None):
    dept = db.get_or_404(Department, department_id) if department_id else None
    form = DepartmentForm(obj=dept)
    form.hospital_id.choices = choices((h.id, h.name) for h in org.list_hospitals())
    form.parent_id.choices = choices([(0, _("— none (top level) —")), *org.department_options()])
    if dept is not None and form.parent_id.data is None:
        form.parent_id.data = 0
    return _save_or_render(
        form, lambda: org.save_department(dept, hospital_id=form.hospital_id.data,
                                          parent_id=form.parent_id.data or None,
                                          name=form.name.data,
                                          sort_order=form.sort_order.data or 0,
                                          wecom_webhook_url=form.wecom_webhook_url.data),
        "admin.departments", "admin/org_form.html", item=dept,
        title=_("Edit department") if dept else _("New department"),
    )


@bp.post("/departments/<int:department_id>/delete")
@require(Permission.MANAGE_ORG)
def department_delete(department_id: int):
    dept = db.get_or_404(Department, department_id)
    return _delete(lambda: org.delete_department(dept), "admin.departments")


# ---- positions -------------------------------------------------------------------------------

@bp.get("/positions")
@require(Permission.MANAGE_ORG)
def positions():
    by_position, _by_department = org.headcounts()
    return render_template("admin/positions.html", positions=org.list_positions(),
                           counts=by_position, confirm=ConfirmForm())


@bp.route("/positions/new", methods=["GET", "POST"])
@bp.route("/positions/<int:position_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_ORG)
def position_form(position_id: int | None = None):
    position = db.get_or_404(Position, position_id) if position_id else None
    form = PositionForm(obj=position)
    return _save_or_render(
        form, lambda: org.save_position(position, name=form.name.data,
                                        sort_order=form.sort_order.data or 0),
        "admin.positions", "admin/org_form.html", item=position,
        title=_("Edit position") if position else _("New position"),
    )


@bp.post("/positions/<int:position_id>/delete")
@require(Permission.MANAGE_ORG)
def position_delete(position_id: int):
    position = db.get_or_404(Position, position_id)
    return _delete(lambda: org.delete_position(position), "admin.positions")
