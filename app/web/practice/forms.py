"""Forms of the practice pages. Rules live in services.practice; forms only collect."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import Optional

from app.services.practice.run_start import MAX_CASE_CODE, MAX_CONTEXT
from app.services.practice.runs import StepInput
from app.services.quiz.authoring import to_utc
from app.web.forms import GuardedForm

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
STEP_FIELDS = ("evidence_text", "evidence_number", "evidence_link", "note", "script_draft")
MAX_FIELD = 20_000  # longer than any field allows: the service says how long it may be


class StartForm(GuardedForm):
    case_code = StringField(_l("Case code"), render_kw={
        "maxlength": MAX_CASE_CODE, "autocomplete": "off", "placeholder": "CRM-2026-000123"})
    context = TextAreaField(_l("Context"), render_kw={"rows": 3, "maxlength": MAX_CONTEXT})
    case_at = DateTimeLocalField(_l("When the case began"), format=DATETIME_FORMAT,
                                 validators=[Optional()])

    def case_time(self, zone: str) -> datetime | None:
        """The case time as UTC (the form shows China time); DomainError when out of range."""
        return to_utc(self.case_at.data, zone, "case_at")


PREFIX = "s."  # the run page's fields: s.<step key>.<field>, e.g. s.add-wechat.note


def field_name(key: str, field: str) -> str:
    return f"{PREFIX}{key}.{field}"


def page_steps(form: MultiDict, files: MultiDict) -> dict[str, StepInput]:
    """Every step the run page (or an autosave) sent: step key → its input, where a field
    that was not sent is None (left as it is). The tick is sent as a hidden "0" before the
    checkbox's "1", so an unticked box still says so."""
    sent: dict[str, dict] = {}
    for name in set(form) | set(files):
        if name.startswith(PREFIX) and "." in name[len(PREFIX):]:
            key, field = name[len(PREFIX):].rsplit(".", 1)
            sent.setdefault(key, {})[field] = name
    entries = {}
    for key, names in sent.items():
        values = {field: form[names[field]][:MAX_FIELD] if field in names else None
                  for field in STEP_FIELDS}
        done = form.getlist(names["done"]) if "done" in names else None
        photo = files.get(names["photo"]) if "photo" in names else None
        entries[key] = StepInput(done=None if done is None else "1" in done,
                                 photo=photo if photo is not None and photo.filename else None,
                                 **values)
    return entries


def sent_values(form: MultiDict, key: str) -> dict[str, str]:
    """One step's fields as the page sent them (to show them again after a refusal)."""
    values = {field: form.get(field_name(key, field), "")[:MAX_FIELD] for field in STEP_FIELDS}
    values["done"] = "1" if "1" in form.getlist(field_name(key, "done")) else ""
    return values


def step_input(form: MultiDict, files: MultiDict) -> StepInput:
    """One step's form as the service's input; an empty file field is no new photo."""
    photo = files.get("photo")
    values = {name: (form.get(name) or "")[:MAX_FIELD] for name in STEP_FIELDS}
    return StepInput(done=form.get("done") == "1",
                     photo=photo if photo is not None and photo.filename else None, **values)
