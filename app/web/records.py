"""A learning record as a page and as downloads, shared by 我的成绩 (learn) and a team
member's record (team): the same service, template and tables for both."""

from __future__ import annotations

from flask import abort, current_app, render_template, request

from app.models import User
from app.models.base import utcnow
from app.services.reports.export_rows import RECORD_TABLES
from app.services.reports.record import build_record
from app.web.exporting import export_format, export_response
from app.web.results.helpers import local_today


def _zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")


def render_record(user: User, *, mine: bool):
    record = build_record(user, utcnow(), local_today(), _zone())
    return render_template("records/record.html", record=record, mine=mine)


def record_export(user: User):
    table = RECORD_TABLES.get(request.args.get("table", "courses"))
    if table is None:
        abort(404)
    fmt = export_format()
    stem, build = table
    headers, rows = build(build_record(user, utcnow(), local_today(), _zone()))
    return export_response(fmt, f"{stem}-{user.name}-{user.login}", headers, rows)
