"""Admin views for roster (花名册) import and its templates."""

from __future__ import annotations

import io

from flask import current_app, render_template, send_file
from flask_babel import gettext as _

from app.permissions import Permission, require
from app.services.importers.estimate import roster_seconds
from app.services.importers.roster import import_roster
from app.services.importers.roster_template import roster_template_csv, roster_template_xlsx
from app.web.admin import bp
from app.web.admin.forms import RosterForm
from app.web.imports import run_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/users/import", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def roster_import():
    form = RosterForm()
    report, file_error = None, None
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            file_error = _("Choose a roster file to upload.")
        else:
            report, file_error = run_import(
                "roster-import", lambda: import_roster(
                    upload.filename, upload.read(), dry_run=form.dry_run.data,
                    max_rows=current_app.config["ROSTER_MAX_ROWS"],
                    hash_method=current_app.config["PASSWORD_HASH_METHOD"]),
                dry_run=form.dry_run.data)
    estimate = report and roster_seconds(report.rows, report.created)
    return render_template("admin/roster_import.html", form=form, report=report,
                           file_error=file_error, estimate=estimate,
                           large_import=roster_seconds(1000, 1000))


@bp.get("/users/import/template.xlsx")
@require(Permission.MANAGE_USERS)
def roster_template_download_xlsx():
    return send_file(io.BytesIO(roster_template_xlsx()), mimetype=XLSX, as_attachment=True,
                     download_name="花名册模板.xlsx")


@bp.get("/users/import/template.csv")
@require(Permission.MANAGE_USERS)
def roster_template_download_csv():
    return send_file(io.BytesIO(roster_template_csv()), mimetype="text/csv",
                     as_attachment=True, download_name="花名册模板.csv")
