"""The admin's side of results: the metrics, and a period's import from Excel."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.models.results import PERIODS, Metric
from app.permissions import Permission, require
from app.services.errors import DomainError
from app.services.results import metrics as metric_service
from app.services.results.importing import import_period
from app.services.results.periods import parse_period, period_key, period_label, recent_starts
from app.services.results.template import template_xlsx
from app.web.forms import attach_error, save_or_render
from app.web.results import bp
from app.web.results.forms import ImportForm, MetricForm
from app.web.results.helpers import kind_arg, last_finished, local_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAMES = {"weekly": "私域成果导入模板（每周）.xlsx",
                  "monthly": "私域成果导入模板（每月）.xlsx"}


def _data(form: MetricForm) -> metric_service.MetricData:
    return metric_service.MetricData(
        name=form.name.data, unit=form.unit.data, period=form.period.data,
        higher_is_better=form.higher_is_better.data, description=form.description.data,
        sort_order=form.sort_order.data, kind=form.kind.data or None,
        decimals=form.decimals.data)


@bp.route("/metrics", methods=["GET", "POST"])
@require(Permission.MANAGE_ORG)
def metrics():
    form = MetricForm()
    return save_or_render(
        form, lambda: metric_service.create_metric(_data(form)), lambda _m: url_for(".metrics"),
        "results/metrics.html", message=lambda m: _("Metric “%(name)s” created.", name=m.name),
        metrics=metric_service.list_metrics(include_archived=True))


@bp.route("/metrics/<int:metric_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_ORG)
def metric_edit(metric_id: int):
    metric = db.get_or_404(Metric, metric_id)
    form = MetricForm(obj=metric)
    return save_or_render(
        form, lambda: metric_service.update_metric(metric, _data(form)),
        lambda _m: url_for(".metrics"), "results/metric_form.html", metric=metric)


@bp.post("/metrics/<int:metric_id>/archive")
@require(Permission.MANAGE_ORG)
def metric_archive(metric_id: int):
    metric = db.get_or_404(Metric, metric_id)
    choice = request.form.get("archived")
    if choice not in ("0", "1"):
        flash(_("Choose whether to archive or restore the metric."), "error")
        return redirect(url_for(".metrics"))
    metric_service.set_archived(metric, choice == "1")
    db.session.commit()
    flash(_("Metric archived.") if metric.archived else _("Metric restored."), "success")
    return redirect(url_for(".metrics"))


@bp.route("/import", methods=["GET", "POST"])
@require(Permission.MANAGE_ORG)
def import_results():
    """Upload one period's figures: all or nothing; "check only" writes nothing."""
    form, today = ImportForm(), local_today()
    if request.method == "GET":
        form.period.data = period_key(last_finished("weekly", today), "weekly")
    report, file_error = None, None
    if form.validate_on_submit():
        report, file_error = _run_import(form, today)
        if report is not None and not report.errors and not report.dry_run:
            db.session.commit()
        else:
            db.session.rollback()
    recent = [(period_key(s, kind), period_label(s, kind)) for kind in PERIODS
              for s in reversed(recent_starts(kind, today, 8))]
    return render_template("results/import.html", form=form, report=report,
                           file_error=file_error, recent=recent)


def _run_import(form: ImportForm, today):
    """(report, None) or (None, a message about the file); period errors go to the form."""
    kind, upload = kind_arg(form.kind.data), form.file.data
    try:
        start = parse_period(form.period.data, kind)
    except DomainError as problem:
        attach_error(form, problem)
        return None, None
    if upload is None or not getattr(upload, "filename", ""):
        return None, _("Choose the Excel file to upload.")
    try:
        return import_period(current_user, kind, start, upload.filename, upload.read(),
                             dry_run=form.dry_run.data, now=utcnow(), today=today), None
    except DomainError as problem:
        return None, str(problem)


@bp.get("/import/template.xlsx")
@require(Permission.MANAGE_ORG)
def import_template():
    kind = request.args.get("period", "weekly")
    if kind not in PERIODS:
        abort(404)
    return send_file(io.BytesIO(template_xlsx(kind)), mimetype=XLSX, as_attachment=True,
                     download_name=TEMPLATE_NAMES[kind])
