"""Assignments (学习任务) in the team area: the list, giving one, following it up, reminding,
extending one person's due date, cancelling."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.assign import actions, choices, follow
from app.services.assign.status import STATUSES
from app.services.errors import DomainError
from app.services.org import department_paths
from app.services.reports.page_tables import follow_table
from app.web.exporting import table_download
from app.web.forms import post_action, save_or_render
from app.web.team import bp
from app.web.team.assignment_forms import (
    KIND_LABELS,
    AssignmentForm,
    CancelForm,
    ExtendForm,
    RemindForm,
)

PER_PAGE = 30


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _visible_or_404(assignment_id: int):
    assignment = follow.get_visible(current_user, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


def _back(assignment_id: int) -> str:
    return url_for("team.assignment_follow", assignment_id=assignment_id)


@bp.get("/assignments")
@require(Permission.VIEW_TEAM)
def assignment_list():
    page = db.paginate(follow.with_targets(follow.visible_assignments(current_user)),
                       per_page=PER_PAGE, error_out=False)
    items = page.items
    return render_template(
        "team/assignments/index.html", page=page, kinds=KIND_LABELS,
        titles=follow.item_titles(items), targets=follow.describe_targets(items),
        summaries=follow.summaries(current_user, [a.id for a in items], utcnow()))


@bp.route("/assignments/new", methods=["GET", "POST"])
@require(Permission.VIEW_TEAM)
def assignment_new():
    form = AssignmentForm()
    return save_or_render(
        form, lambda: actions.assign_and_notify(current_user, form.data_for(_zone()), utcnow()),
        lambda created: _back(created.id), "team/assignments/new.html",
        lambda created: _("Assigned. Everyone it is for has been notified."),
        kinds=KIND_LABELS, items=choices.assignable_items(), paths=department_paths(),
        people=choices.people(current_user), departments=choices.departments(current_user),
        positions=choices.positions())


@bp.get("/assignments/<int:assignment_id>")
@require(Permission.VIEW_TEAM)
def assignment_follow(assignment_id: int):
    assignment = _visible_or_404(assignment_id)
    rows = follow.follow_rows(current_user, assignment, utcnow())
    counts, summary = follow.count_statuses(rows)
    status = request.args.get("status")
    shown = [r for r in rows if r.status == status] if status in STATUSES else rows
    return render_template(
        "team/assignments/follow.html", assignment=assignment, rows=shown, counts=counts,
        summary=summary, status=status if status in STATUSES else None, kinds=KIND_LABELS,
        title=follow.item_titles([assignment])[assignment.id],
        targets=follow.describe_targets([assignment])[assignment.id], paths=department_paths(),
        extend_form=ExtendForm(), remind_form=RemindForm(), cancel_form=CancelForm())


@bp.get("/assignments/<int:assignment_id>/export")
@require(Permission.VIEW_TEAM)
def assignment_follow_export(assignment_id: int):
    """The follow-up table (of the ?status= shown) as Excel or CSV."""
    assignment = _visible_or_404(assignment_id)
    title = follow.item_titles([assignment])[assignment.id]
    return table_download({"people": (_("Follow-up"), follow_table)}, "people", current_user,
                          assignment, utcnow(), request.args.get("status"), title=title)


@bp.post("/assignments/<int:assignment_id>/remind")
@require(Permission.VIEW_TEAM)
def assignment_remind(assignment_id: int):
    assignment, form = _visible_or_404(assignment_id), RemindForm()
    if form.validate_on_submit():
        try:
            count = actions.remind(current_user, assignment, utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(ngettext("Reminded %(num)d person.", "Reminded %(num)d people.", count)
                  if count else _("Nobody to remind: everyone is done or was reminded today."),
                  "success")
    return redirect(_back(assignment.id))


@bp.post("/assignments/<int:assignment_id>/extend")
@require(Permission.VIEW_TEAM)
def assignment_extend(assignment_id: int):
    assignment, form = _visible_or_404(assignment_id), ExtendForm()
    return post_action(form, lambda: actions.extend_for(
        current_user, assignment, form.person(), form.due_utc(_zone()), utcnow()),
        _back(assignment.id), _("Due date extended."))


@bp.post("/assignments/<int:assignment_id>/cancel")
@require(Permission.VIEW_TEAM)
def assignment_cancel(assignment_id: int):
    assignment, form = _visible_or_404(assignment_id), CancelForm()
    return post_action(form, lambda: actions.cancel(current_user, assignment, utcnow()),
                       _back(assignment.id), _("Assignment cancelled."))
