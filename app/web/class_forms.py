"""Forms of the offline-class pages (trainer, learner, supervisor)."""

from __future__ import annotations

from flask import flash, redirect
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from app.web.forms import GuardedForm, choices, db_int, post_action

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ClassForm(GuardedForm):
    title = StringField(_l("Title"), validators=[InputRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    pass_score = IntegerField(_l("Pass score (0–100, empty: attending is enough)"),
                              validators=[Optional(), NumberRange(0, 100)])


class SessionForm(GuardedForm):
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMAT,
                                   validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT,
                                 validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[InputRequired()])
    capacity = IntegerField(_l("Capacity"), validators=[InputRequired(), NumberRange(1, 1000)])
    trainer_id = SelectField(_l("Trainer"), coerce=db_int, validators=[Optional()])


class EnrolForm(GuardedForm):
    login = StringField(_l("Login of the person"), validators=[InputRequired()])


class TeamEnrolForm(GuardedForm):
    user_id = SelectField(_l("Person"), coerce=db_int, validators=[InputRequired()])
    session_id = SelectField(_l("Session"), coerce=db_int, validators=[InputRequired()])


class MarkForm(GuardedForm):
    mark = SelectField(_l("Attendance"), choices=choices([("present", _l("Present")),
                                                          ("absent", _l("Absent"))]),
                       validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[Optional()])


class GradeForm(GuardedForm):
    score = IntegerField(_l("Score"), validators=[Optional(), NumberRange(0, 100)])
    trainer_rating = SelectField(_l("Rating"), coerce=db_int, validators=[Optional()],
                                 choices=choices([(0, "—")] + [(n, str(n)) for n in range(1, 6)]))


class LeaveForm(GuardedForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional()])


class RateForm(GuardedForm):
    rating = SelectField(_l("Rating"), coerce=db_int, validators=[InputRequired()],
                         choices=choices((n, str(n)) for n in range(5, 0, -1)))
    comment = TextAreaField(_l("Comment"), validators=[Optional()])


class DecideForm(GuardedForm):
    decision = HiddenField(validators=[AnyOf(["approve", "reject"])])


class ButtonForm(GuardedForm):
    """A bare POST button (its CSRF token is the form)."""


def post_form(form, action, back: str, message: str):
    """`post_action`, but a form the guard refused (a phone number in a reason, a value out
    of range) says why instead of going back silently."""
    if not form.validate_on_submit():
        errors = [str(error) for field in form for error in field.errors]
        flash(errors[0] if errors else str(_l("Something was missing: try again.")), "error")
        return redirect(back)
    return post_action(form, action, back, message)
