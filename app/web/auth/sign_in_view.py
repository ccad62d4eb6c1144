"""What the sign-in view asks of app.services.sign_in: the attempt with this request's
address and browser, the sentence a failure shows, and a log row for each sign-out."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import user_logged_out

from app.extensions import db
from app.models.base import utcnow
from app.services import sign_in
from app.services.sign_in_log import record_sign_out


def client() -> sign_in.Client:
    """The request's address (ProxyFix already applied PROXY_COUNT) and browser."""
    return sign_in.Client(address=request.remote_addr or "",
                          user_agent=request.user_agent.string or "")


def try_sign_in(login: str, password: str) -> sign_in.Attempt:
    """Sign in with the typed login and password; logged and counted (the view commits)."""
    links = sign_in.LockLinks(
        owner=url_for("auth.profile"),
        admin=lambda user_id: url_for("admin.user_edit", user_id=user_id))
    return sign_in.attempt(login, password, client(),
                           sign_in.LockPolicy.from_settings(current_app.config), utcnow(),
                           links)


def failure_message(attempt: sign_in.Attempt) -> str:
    """The same sentences whether or not the account exists."""
    if attempt.locked_until is not None:
        return _("Too many failed sign-ins: this account is locked for now. Try again after "
                 "%(time)s, or ask an administrator to unlock it.",
                 time=format_datetime(attempt.locked_until, "yyyy-MM-dd HH:mm"))
    return _("Wrong employee number or password, or the account is deactivated.")


@user_logged_out.connect
def _log_sign_out(app, user=None, **_extra) -> None:
    """Each sign-out gets a log row of its own (committed here: signing out changes nothing
    else in the database)."""
    if user is None or not getattr(user, "id", None) or not has_request_context():
        return
    record_sign_out(user, client(), utcnow())
    db.session.commit()
