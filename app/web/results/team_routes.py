"""The supervisor's side of results: a period's table of the team; confirm and correct."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import DomainError, NotFound
from app.services.reports.page_tables import team_results_table
from app.services.results import entries, team
from app.services.results.periods import parse_period, period_key, period_label, recent_starts
from app.web.exporting import table_download
from app.web.forms import db_int, safe_next
from app.web.results import bp
from app.web.results.helpers import kind_arg, last_finished, local_today, start_arg

PICKER_PERIODS = 12


@bp.get("/team")
@require(Permission.VIEW_TEAM)
def team_results():
    shown_at = utcnow()  # before reading: a figure changed after this was not seen
    today = local_today()
    kind = kind_arg(request.args.get("kind"))
    start = start_arg(request.args.get("period"), kind, today, last_finished(kind, today))
    departments = team.department_choices(current_user)
    department_id = team.valid_department(
        current_user, request.args.get("department", type=db_int), departments)
    summary = team.team_summary(current_user, kind, start, department_id)
    periods = [(period_key(s, kind), period_label(s, kind))
               for s in reversed(recent_starts(kind, today, PICKER_PERIODS))]
    return render_template("results/team.html", summary=summary, departments=departments,
                           shown_at=shown_at.isoformat(), result_token=entries.result_token,
                           department_id=department_id, periods=periods,
                           period=period_key(start, kind), label=period_label(start, kind))


@bp.get("/team/export")
@require(Permission.VIEW_TEAM)
def team_results_export():
    """The period's table (the page's kind, period and department) as Excel or CSV."""
    today = local_today()
    kind = kind_arg(request.args.get("kind"))
    start = start_arg(request.args.get("period"), kind, today, last_finished(kind, today))
    department_id = team.valid_department(
        current_user, request.args.get("department", type=db_int),
        team.department_choices(current_user))
    return table_download({"people": (_("Team results"), team_results_table)}, "people",
                          current_user, kind, start, department_id,
                          title=period_label(start, kind))


def _shown_at(value: str | None) -> datetime | None:
    """When the page was drawn (a field of the confirm-all form); an unreadable value counts
    as "now", so nothing changed later than the click is confirmed."""
    try:
        shown = datetime.fromisoformat(value or "")
    except ValueError:
        return utcnow()
    return shown if shown.tzinfo is not None else shown.replace(tzinfo=UTC)


def _back() -> str:
    return safe_next(request.form.get("next"), url_for(".team_results"))


def _act(action, message: str):
    """Run a confirm/correct service: 404 outside the team, a flashed error, or commit."""
    try:
        action()
    except NotFound:
        db.session.rollback()
        abort(404)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(_back())


@bp.post("/team/<int:result_id>/confirm")
@require(Permission.VIEW_TEAM)
def team_confirm(result_id: int):
    return _act(lambda: entries.confirm(current_user, result_id, utcnow(),
                                        seen=request.form.get("seen")), _("Confirmed."))


@bp.post("/team/<int:result_id>/correct")
@require(Permission.VIEW_TEAM)
def team_correct(result_id: int):
    return _act(lambda: entries.correct(current_user, result_id, request.form.get("value"),
                                        request.form.get("note"), utcnow()),
                _("Figure corrected."))


@bp.post("/team/confirm-all")
@require(Permission.VIEW_TEAM)
def team_confirm_all():
    """Confirm every waiting figure shown: the period must be named, never guessed."""
    kind = kind_arg(request.form.get("kind"))
    try:
        start = entries.check_period(parse_period(request.form.get("period"), kind), kind,
                                     local_today())
    except DomainError as problem:
        flash(str(problem), "error")
        return redirect(_back())
    departments = team.department_choices(current_user)
    department_id = team.valid_department(
        current_user, request.form.get("department", type=db_int), departments)
    count, changed = entries.confirm_all(current_user, kind, start, department_id, utcnow(),
                                         shown_at=_shown_at(request.form.get("shown_at")))
    db.session.commit()
    flash(_("%(count)d figures confirmed.", count=count), "success")
    if changed:
        flash(_("%(count)d figures were changed after you opened the page and still wait: "
                "check them, then confirm.", count=changed), "error")
    return redirect(_back())
