"""Admin views of sign-ins: the audit log (filter, page, export) and unlocking an account."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services import sign_in
from app.services.sign_in_log import (
    EXPORT_HEADERS,
    METHOD_LABELS,
    OUTCOME_LABELS,
    LogFilters,
    export_rows,
    log_query,
)
from app.web.admin import bp
from app.web.admin.forms import ConfirmForm
from app.web.exporting import export_response
from app.web.forms import db_int

PER_PAGE = 50
FILTER_ARGS = ("account", "outcome", "from", "to")


def _day(name: str, problems: list[str]) -> date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(_("“%(value)s” is not a date like 2026-03-01; that filter was left "
                          "out.", value=text[:20]))
        return None


def _filters() -> tuple[LogFilters, list[str]]:
    problems: list[str] = []
    filters = LogFilters(account=(request.args.get("account") or "")[:64],
                         outcome=request.args.get("outcome") or "",
                         date_from=_day("from", problems), date_to=_day("to", problems))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        problems.append(_("The first day is after the last day: nothing can match."))
    return filters, problems


def _zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai"


@bp.get("/sign-ins")
@require(Permission.MANAGE_USERS)
def sign_ins():
    filters, problems = _filters()
    page = db.paginate(log_query(filters, _zone()),
                       page=request.args.get("page", 1, type=db_int), per_page=PER_PAGE,
                       error_out=False)
    filter_args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return render_template("admin/sign_ins.html", page=page, problems=problems,
                           outcomes=OUTCOME_LABELS, methods=METHOD_LABELS,
                           args=request.args, filter_args=filter_args)


@bp.get("/sign-ins/export")
@require(Permission.MANAGE_USERS)
def sign_ins_export():
    filters, _problems = _filters()
    return export_response(request.args.get("format"), _("Sign-in log"), EXPORT_HEADERS,
                           export_rows(filters, _zone()))


@bp.post("/users/<int:user_id>/unlock")
@require(Permission.MANAGE_USERS)
def user_unlock(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        was_locked = sign_in.unlock(user, utcnow())
        db.session.commit()
        flash(_("Account unlocked: it can sign in again.") if was_locked
              else _("The account was not locked; its failed sign-ins are forgotten."),
              "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))
