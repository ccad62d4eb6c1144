"""Error pages in the user's language; a server error rolls the session back."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import login_manager
from app.services import health
from app.web.api import errors as api_errors

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have permission to open this page.")),
    404: (_l("Page not found"), _l("This page does not exist or has been moved.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("File too large"), _l("The uploaded file is larger than allowed.")),
    429: (_l("Too many attempts"),
          _l("Too many attempts in a short time. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"),
          _l("The server ran into a problem. Nothing was saved; please try again later.")),
    503: (_l("Service temporarily unavailable"),
          _l("The service is temporarily unavailable. Please try again later.")),
}
RETRY_AFTER = {"Retry-After": "30"}
# When even the error page cannot be drawn: plain text, no template, no database.
BARE_503 = ("服务暂时不可用，请稍后再试。\n"
            "Service temporarily unavailable. Please try again later.\n")


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, str(_l("The form has expired. Reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request.blueprint == "home" and request.endpoint in {"home.healthz", "home.readyz"}:
            return error
        if _is_api():
            return api_errors.for_http_exception(error)
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    @app.errorhandler(Exception)
    def server_error(error):
        health.rollback_quietly()
        cause = getattr(error, "original_exception", None) or error
        if health.database_unavailable(cause):
            app.logger.error("Database unavailable on %s %s: %s", request.method,
                             request.path, type(cause).__name__)
            return _database_unavailable()
        if not isinstance(error, InternalServerError):
            app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if _is_api():
            return api_errors.json_error(500)
        try:
            return render_error(500)
        except Exception as failure:  # the page header needed the database, gone meanwhile
            if not health.database_unavailable(failure):
                raise
            health.rollback_quietly()
            return _database_unavailable()


def _database_unavailable():
    """503 in Chinese (or the session's language), drawn without the database: the signed-in
    user is forgotten for this response, so the page header does not load them again."""
    if _is_api():
        return api_errors.json_error(503, headers=RETRY_AFTER)
    login_manager._update_request_context_with_user()  # anonymous for the rest of it
    g.sign_in_unknown = True  # not signed out: auth.forget_ended_sign_in keeps the cookies
    try:
        body, code = render_error(503)
    except Exception:  # the page itself failed: plain text rather than a bare English 500
        return BARE_503, 503, {"Content-Type": "text/plain; charset=utf-8", **RETRY_AFTER}
    return body, code, RETRY_AFTER


def _is_api() -> bool:
    """/api/…: errors as JSON (app/web/api/errors.py), also where no route matched."""
    return request.path.startswith(api_errors.API_PREFIX)
