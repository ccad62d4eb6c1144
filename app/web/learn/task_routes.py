"""Views of the learn blueprint: 我的任务 (what the employee owes) and a learning path's page;
and opening what was assigned to someone even when its audience would not show it."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_login import current_user

from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.assign.access import assigned_access
from app.services.assign.tasks import my_tasks, path_task
from app.services.items.kinds import PATH
from app.services.surveys.attachments import evaluations_due
from app.web.learn import bp

STATUS_CLASSES = {"not_started": "", "in_progress": "", "completed": "ok", "overdue": "warn",
                  "failed": "warn"}


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def find_or_assigned(find, kind: str, slug: str):
    """`find(current_user, slug)` by audience; failing that, among what the user was assigned
    (a direct assignment that has started, or an item of an open stage of a path they owe)."""
    found = find(current_user, slug)
    if found is None:
        extra = assigned_access(current_user, utcnow())[kind]
        found = find(current_user, slug, extra) if extra else None
    return found


@bp.get("/tasks")
@require(Permission.LEARN)
def tasks():
    open_tasks, done = my_tasks(current_user, utcnow(), _zone())
    return render_template("learn/tasks.html", open_tasks=open_tasks, done=done,
                           status_classes=STATUS_CLASSES)


@bp.get("/paths/<int:path_assignment_id>")
@require(Permission.LEARN)
def path_page(path_assignment_id: int):
    task = path_task(current_user, path_assignment_id, utcnow(), _zone()) or abort(404)
    evaluations = evaluations_due(current_user, PATH.key, task.assignment.path_id)
    return render_template("learn/path.html", task=task, status_classes=STATUS_CLASSES,
                           evaluations=evaluations)
