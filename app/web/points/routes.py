"""积分: my points by rule, the leaderboard, and the administrator's rules and switch."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import NotFound
from app.services.points import leaderboard as boards
from app.services.points.rules import RULES, SettingsErrors, load_settings, save_settings
from app.services.points.tally import PERIODS, my_points, period_start
from app.services.reports.page_tables import leaderboard_table
from app.web.exporting import table_download
from app.web.forms import attach_error, db_int
from app.web.points import bp
from app.web.points.forms import settings_form


def _since(period: str):
    return period_start(period, utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"])


@bp.app_template_global()
def leaderboard_enabled() -> bool:
    """For links to the leaderboard: shown only while it is switched on (one statement)."""
    return load_settings().leaderboard_enabled


@bp.get("/")
@require(Permission.LEARN)
def index():
    settings = load_settings()
    mine = my_points(current_user.id, settings.values, _since("month"))
    return render_template("points/index.html", mine=mine, settings=settings, rules=RULES)


@bp.get("/leaderboard")
@require(Permission.LEARN)
def leaderboard():
    settings = load_settings()
    if not settings.leaderboard_enabled:
        return render_template("points/leaderboard_off.html")
    board, period = _board(settings)
    return render_template("points/leaderboard.html", board=board, period=period,
                           top=boards.TOP)


def _board(settings):
    """The board of the URL's scope, department or hospital and period; 404 when it is not
    the viewer's to open."""
    scope = request.args.get("scope") if request.args.get("scope") in boards.SCOPES \
        else "department"
    period = request.args.get("period") if request.args.get("period") in PERIODS else "month"
    requested = request.args.get(f"{scope}_id", type=db_int)
    try:
        return boards.leaderboard(current_user, scope, requested, settings.values,
                                  _since(period)), period
    except NotFound:
        abort(404)


@bp.get("/leaderboard/export")
@require(Permission.LEARN)
def leaderboard_export():
    """The board the page shows, as Excel or CSV (404 while the leaderboard is off)."""
    settings = load_settings()
    if not settings.leaderboard_enabled:
        abort(404)
    board, _period = _board(settings)
    return table_download({"board": (_("Leaderboard"), leaderboard_table)}, "board", board)


@bp.route("/settings", methods=["GET", "POST"])
@require(Permission.MANAGE_ORG)
def settings():
    form = settings_form(load_settings())
    if form.validate_on_submit():
        try:
            save_settings(current_user, {rule.key: form[rule.key].data for rule in RULES},
                          form.leaderboard_enabled.data)
        except SettingsErrors as problem:
            db.session.rollback()
            for error in problem.errors:
                attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Points rules saved. Everyone's points, past ones included, are now "
                    "counted with these values."), "success")
            return redirect(url_for(".settings"))
    return render_template("points/settings.html", form=form, rules=RULES)
