"""Forms of the practice pages. Rules live in services.practice; forms only collect."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import Optional

from app.services.practice.runs import MAX_CASE_CODE, MAX_CONTEXT, StepInput
from app.services.quiz.authoring import to_utc

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
STEP_FIELDS = ("evidence_text", "evidence_number", "evidence_link", "note", "script_draft")
MAX_FIELD = 20_000  # longer than any field allows: the service says how long it may be


class StartForm(FlaskForm):
    case_code = StringField(_l("Case code"), render_kw={
        "maxlength": MAX_CASE_CODE, "autocomplete": "off", "placeholder": "CRM-2026-000123"})
    context = TextAreaField(_l("Context"), render_kw={"rows": 3, "maxlength": MAX_CONTEXT})
    case_at = DateTimeLocalField(_l("When the case began"), format=DATETIME_FORMAT,
                                 validators=[Optional()])

    def case_time(self, zone: str) -> datetime | None:
        """The case time as UTC (the form shows China time); DomainError when out of range."""
        return to_utc(self.case_at.data, zone, "case_at")


def step_input(form: MultiDict, files: MultiDict) -> StepInput:
    """One step's form as the service's input; an empty file field is no new photo."""
    photo = files.get("photo")
    values = {name: (form.get(name) or "")[:MAX_FIELD] for name in STEP_FIELDS}
    return StepInput(done=form.get("done") == "1",
                     photo=photo if photo is not None and photo.filename else None, **values)
