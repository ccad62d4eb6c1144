"""我的成果: an employee's entry form for the current (or a past) period and their history."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.results import PERIODS
from app.permissions import Permission, require
from app.services.errors import DomainError
from app.services.results import entries, history, measures
from app.services.results.periods import parse_period, period_key
from app.web.forms import db_int
from app.web.results import bp
from app.web.results.helpers import kind_arg, local_today, start_arg


@bp.get("/")
@require(Permission.LEARN)
def index():
    today = local_today()
    selected = {kind: start_arg(request.args.get(kind), kind, today) for kind in PERIODS}
    return _render_mine(today, selected)


def _render_mine(today: date, selected: dict[str, date], errors: dict[int, str] | None = None,
                 posted=None):
    histories = history.person_history(current_user.id, today)
    sheets = [history.entry_sheet(histories, kind, selected[kind]) for kind in PERIODS]
    return render_template("results/index.html", histories=histories,
                           sheets=[s for s in sheets if s.rows], errors=errors or {},
                           posted=posted or {})


@bp.post("/entries")
@require(Permission.LEARN)
def save_entries():
    """Save the figures of one period (one card of the page); all or nothing."""
    today, kind = local_today(), kind_arg(request.form.get("kind"))
    try:
        start = parse_period(request.form.get("period"), kind)
        saved = entries.save_own_entries(current_user, kind, start, _posted_entries(), today)
    except entries.EntryErrors as problem:
        db.session.rollback()
        flash(str(problem), "error")
        selected = {k: start if k == kind else start_arg(None, k, today) for k in PERIODS}
        return _render_mine(today, selected, problem.errors, request.form)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("Saved %(count)d figures.", count=saved) if saved
          else _("Nothing was saved: enter at least one figure."), "success" if saved else "error")
    return redirect(url_for(".index", **{kind: period_key(start, kind)}))


def _posted_entries() -> list[entries.Entry]:
    """An Entry for every value-<metric id> field of the form."""
    found = []
    for name in request.form:
        if not name.startswith("value-"):
            continue
        try:
            metric_id = db_int(name.removeprefix("value-"))
        except ValueError:
            continue
        found.append(entries.Entry(metric_id, request.form.get(name),
                                   request.form.get(f"note-{metric_id}")))
    return found


@bp.app_template_filter("figure")
def figure_filter(value, metric=None) -> str:
    """A figure for a page: 12.0 → "12", 4.5 → "4.5", None → "—"; given its metric, rounded
    half-up to the metric's precision (the team's 4.8 分, never 4.799999)."""
    return measures.shown(value, metric)


@bp.app_template_global("measure_label")
def measure_label(metric) -> str:
    """What a metric measures, as its form says it (计数（累加）…)."""
    return str(measures.measure(metric).label)
