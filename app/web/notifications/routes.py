"""Views of the notification centre: the list; opening one (marks it read, then goes to what
it is about); marking them all read."""

from __future__ import annotations

from datetime import datetime

from flask import abort, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.models.assignments import Notification
from app.models.base import utcnow
from app.permissions import require
from app.services.assign.inbox import find_notification, inbox
from app.services.assign.notify import mark_read
from app.web.forms import safe_next
from app.web.notifications import bp

SENTENCES = {
    "assigned": _l("New task: “%(title)s”."),
    "due_soon": _l("“%(title)s” is due soon."),
    "overdue": _l("“%(title)s” is overdue."),
    "reminder": _l("Your supervisor reminds you to finish “%(title)s”."),
    "graded": _l("Your answers in “%(title)s” have been graded."),
    "returned": _l("“%(title)s” was returned to you for rework."),
    "signed_off": _l("Your practice run of “%(title)s” was signed off."),
    "cert_expiring": _l("Your certificate “%(title)s” expires soon: renew it in time."),
}
UNTITLED = {
    "graded": _l("One of your answers has been graded."),
    "returned": _l("Your work was returned to you for rework."),
    "signed_off": _l("Your practice run was signed off."),
}
GENERIC = _l("You have a new notification.")
# about an account, from the notification's params (login, name, until)
LOCK_SENTENCES = {
    "account_locked": _l("Your account was locked until %(until)s after repeated failed "
                         "sign-ins. If that was not you, tell an administrator."),
    "account_locked_admin": _l("The account %(login)s %(name)s was locked until %(until)s "
                               "after repeated failed sign-ins."),
}


def _lock_sentence(notice) -> str:
    params = notice.notification.params if isinstance(notice.notification.params, dict) else {}
    try:
        until = format_datetime(datetime.fromisoformat(params["until"]), "yyyy-MM-dd HH:mm")
    except (KeyError, TypeError, ValueError):
        until = "—"
    return LOCK_SENTENCES[notice.kind] % {"login": params.get("login", ""),
                                          "name": params.get("name", ""), "until": until}


def sentence(notice) -> str:
    """The notice in the reader's language, from its kind and its item's title."""
    if notice.kind in LOCK_SENTENCES:
        return _lock_sentence(notice)
    if notice.title and notice.kind in SENTENCES:
        return SENTENCES[notice.kind] % {"title": notice.title}
    return str(UNTITLED.get(notice.kind, GENERIC))


def target(notification: Notification) -> str:
    """Where opening a notification leads: its own (local) address, else its task."""
    fallback = url_for("learn.tasks")
    if notification.assignment_id is not None:
        fallback = url_for("learn.tasks", _anchor=f"task-{notification.assignment_id}")
    return safe_next(notification.url, fallback)


@bp.get("/")
@require()
def index():
    return render_template("notifications/index.html", notices=inbox(current_user),
                           sentence=sentence)


@bp.post("/<int:notification_id>/read")
@require()
def read(notification_id: int):
    notification = find_notification(current_user, notification_id) or abort(404)
    mark_read(current_user, utcnow(), notification.id)
    db.session.commit()
    return redirect(target(notification))


@bp.post("/read-all")
@require()
def read_all():
    mark_read(current_user, utcnow())
    db.session.commit()
    return redirect(url_for(".index"))
