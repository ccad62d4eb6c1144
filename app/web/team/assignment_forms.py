"""Forms of the assignment pages. Rules live in services.assign; forms only collect."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Optional

from app.services.assign.assignments import DEFAULT_GRACE_DAYS, AssignmentData
from app.services.errors import DomainError
from app.services.items import labels
from app.services.quiz.authoring import to_utc
from app.web.forms import GuardedForm, MultiCheckboxField, choices, db_int

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
KIND_LABELS = labels(plural=True)  # kind → plural, from the item registry
REQUIRED_LABELS = {"1": _l("Required"), "0": _l("Optional")}


class AssignmentForm(GuardedForm):
    item = SelectField(_l("What to assign"), validate_choice=False)
    acknowledge = RadioField(_l("Acknowledge the SOP"), default="1", validate_choice=False,
                             choices=choices([("1", _l("Yes")), ("0", _l("No"))]))
    practice_runs = IntegerField(_l("Practice runs to complete"), default=0,
                                 validators=[Optional()], render_kw={"inputmode": "numeric"})
    user_ids = MultiCheckboxField(_l("Choose people"), coerce=db_int, validate_choice=False)
    department_ids = MultiCheckboxField(_l("Departments"), coerce=db_int,
                                        validate_choice=False)
    position_ids = MultiCheckboxField(_l("Positions"), coerce=db_int, validate_choice=False)
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMAT,
                                   validators=[Optional()])
    due_at = DateTimeLocalField(_l("Due"), format=DATETIME_FORMAT, validators=[Optional()])
    grace_days = IntegerField(_l("Days of grace for new hires"), default=DEFAULT_GRACE_DAYS,
                              validators=[Optional()], render_kw={"inputmode": "numeric"})
    required = RadioField(_l("Required or optional"), default="1", validate_choice=False,
                          choices=choices(REQUIRED_LABELS.items()))
    message = TextAreaField(_l("Message to the people"), render_kw={"rows": 3})

    def data_for(self, zone: str) -> AssignmentData:
        """The service's input; local times (China time) become UTC (DomainError on a
        date out of range)."""
        kind, _sep, item_id = (self.item.data or "").partition(":")
        return AssignmentData(
            kind=kind, item_id=_number(item_id),
            user_ids=self.user_ids.data or [], department_ids=self.department_ids.data or [],
            position_ids=self.position_ids.data or [],
            starts_at=to_utc(self.starts_at.data, zone, "starts_at"),
            due_at=to_utc(self.due_at.data, zone, "due_at"),
            grace_days=self.grace_days.data,
            required=self.required.data != "0", message=self.message.data or "",
            acknowledge=self.acknowledge.data != "0",
            practice_runs=self.practice_runs.data or 0)

    # the service names the item's fields "kind" and "item_id": show their errors on `item`
    @property
    def kind(self):
        return self.item

    @property
    def item_id(self):
        return self.item


def _number(text: str) -> int:
    """A database id typed as ASCII digits; 0 (no row's id) otherwise."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


class ExtendForm(GuardedForm):
    """One person's new due date; checked by the service, so that a bad value is flashed."""

    user_id = HiddenField()
    due_at = StringField(_l("New due date"), render_kw={"type": "datetime-local"})

    def person(self) -> int | None:
        try:
            return db_int(self.user_id.data or "")
        except ValueError:
            return None

    def due_utc(self, zone: str) -> datetime | None:
        value = (self.due_at.data or "").strip()
        if not value:
            return None
        try:
            local = datetime.strptime(value, DATETIME_FORMAT)
        except ValueError:
            raise DomainError(_l("Enter a date and time."), "due_at") from None
        return to_utc(local, zone, "due_at")


class RemindForm(GuardedForm):
    """A one-click button (its CSRF token is all it carries)."""


class CancelForm(GuardedForm):
    confirm = HiddenField(validators=[AnyOf(["yes"])])  # a bare POST changes nothing
