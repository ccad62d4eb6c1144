"""POST /coach/check: the script coach for coach.js — the reply's risky terms, key points and
unfilled placeholders as JSON, with the report rendered (coach/_report.html) in `html`."""

from __future__ import annotations

from flask import current_app, get_template_attribute, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.permissions import Permission, require
from app.services.coach import review_reply
from app.services.coach.sources import MAX_TEXT, context_for
from app.services.errors import DomainError, NotFound
from app.services.privacy import refuse_pii
from app.web.coach import bp
from app.web.forms import db_int

REPLY = _l("The reply")


@bp.post("/check")
@require(Permission.LEARN)
def check():
    """JSON or form fields: text, sop_step (a published step's id), attempt_question (a
    question of the user's own attempt). 400 for bad input, 404 for an id not theirs."""
    try:
        text, step_id, question_id = _read(_fields())
        context = context_for(current_user, step_id=step_id,
                              attempt_question_id=question_id)
    except NotFound as error:
        return jsonify(error=str(error)), 404
    except DomainError as error:
        return jsonify(error=str(error)), 400
    report = review_reply(text, settings=current_app.config, **context)
    html = get_template_attribute("coach/_report.html", "coach_report")(report)
    return jsonify(**report.as_dict(), html=str(html))


def _fields() -> dict:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise DomainError(_l("The request could not be read."))
        return data
    return request.form.to_dict()


def _read(data: dict) -> tuple[str, int | None, int | None]:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DomainError(_l("Write the reply you would send first."), "text")
    if len(text) > MAX_TEXT:
        raise DomainError(_l("A reply to check can be at most %(max)d characters; this one "
                             "has %(count)d.", max=MAX_TEXT, count=len(text)), "text")
    if "\x00" in text:
        raise DomainError(_l("The reply contains characters that cannot be checked."), "text")
    refuse_pii(text, field="text", label=REPLY)  # nothing typed about a client leaves the server
    return text, _id(data.get("sop_step")), _id(data.get("attempt_question"))


def _id(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DomainError(_l("The request could not be read."))
    try:
        return db_int(str(value).strip())
    except ValueError:
        raise DomainError(_l("The request could not be read.")) from None
