"""JSON errors for /api/v1: {"error": {"code", "message"[, "parameter"]}}.

Messages are English on purpose: the API is read by programs (BI tools, scripts), and the
people reading their logs are the clinic's IT staff; `code` is the stable part.
"""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"

CODES = {
    400: ("bad_request", "The request is not valid."),
    401: ("unauthorized", "A valid API token is required: send 'Authorization: Bearer <token>'."),
    403: ("forbidden", "This token may not read this resource."),
    404: ("not_found", "There is no such resource; see /api/v1/openapi.json."),
    405: ("method_not_allowed", "This API is read-only: use GET."),
    413: ("too_large", "The request is too large."),
    429: ("too_many_requests", "Too many requests; slow down."),
    500: ("server_error", "The server ran into a problem; try again later."),
    503: ("unavailable", "The service is temporarily unavailable; try again later."),
}


def json_error(status: int, message: str | None = None, parameter: str | None = None,
               headers: dict[str, str] | None = None):
    code, default = CODES.get(status) or CODES[400 if status < 500 else 500]
    error = {"code": code, "message": message or default}
    if parameter:
        error["parameter"] = parameter
    response = jsonify({"error": error})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def unauthorized(message: str, token_given: bool):
    challenge = 'Bearer realm="sop-academy"'
    if token_given:
        challenge += ', error="invalid_token"'
    return json_error(401, message, headers={"WWW-Authenticate": challenge})


def for_http_exception(error: HTTPException):
    """An HTTP error raised under /api/ (unknown path, wrong method, abort) as JSON."""
    status = error.code or 500
    headers = {"Allow": ", ".join(error.valid_methods)} if getattr(
        error, "valid_methods", None) else None
    return json_error(status, headers=headers)
