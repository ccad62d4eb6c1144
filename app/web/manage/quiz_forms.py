"""Forms of the quiz editor. Field rules live in services.quiz.authoring; forms only collect."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Length, Optional

from app.web.forms import GuardedForm, MultiCheckboxField, choices, db_int

MODE_LABELS = {"exam": _l("Exam"), "practice": _l("Practice")}
GRADING_LABELS = {"highest": _l("Highest score"), "last": _l("Last attempt"),
                  "first": _l("First attempt"), "average": _l("Average score")}
REVIEW_LABELS = {"immediately": _l("Immediately"), "after_close": _l("After the quiz closes"),
                 "never": _l("Never")}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _number(label, **kwargs):
    return IntegerField(label, validators=[Optional()], render_kw={"inputmode": "numeric"},
                        **kwargs)


class QuizForm(GuardedForm):
    title = StringField(_l("Title"))
    slug = StringField(_l("Address"))
    description = TextAreaField(_l("Description"), render_kw={"rows": 3})
    mode = RadioField(_l("Mode"), choices=choices(MODE_LABELS.items()), default="exam",
                      validate_choice=False)
    pass_percent = FloatField(_l("Pass mark (%)"), validators=[Optional()],
                                render_kw={"inputmode": "decimal"})
    time_limit_minutes = _number(_l("Time limit (minutes)"))
    max_attempts = _number(_l("Attempts allowed"))
    cooldown_minutes = _number(_l("Wait between attempts (minutes)"))
    opens_at = DateTimeLocalField(_l("Opens at"), format=DATETIME_FORMAT,
                                  validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes at"), format=DATETIME_FORMAT,
                                   validators=[Optional()])
    grading_method = SelectField(_l("Score that counts"), choices=choices(GRADING_LABELS.items()),
                                 validate_choice=False)
    review = SelectField(_l("Show answers after submitting"),
                         choices=choices(REVIEW_LABELS.items()), validate_choice=False)
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_options = BooleanField(_l("Shuffle the options"), default=True)
    course_id = SelectField(_l("Course"), coerce=db_int, validate_choice=False)
    sop_module_id = SelectField(_l("SOP module"), coerce=db_int, validate_choice=False)


class PickerAddForm(GuardedForm):
    question_ids = MultiCheckboxField(_l("Questions"), coerce=db_int, validate_choice=False)


class ItemPointsForm(GuardedForm):
    points = FloatField(_l("Points in this quiz"), validators=[Optional()])
    must_pass = BooleanField(_l("Must pass (a wrong answer fails the exam)"))
    step = StringField(_l("Step of the SOP"), validators=[Optional(), Length(max=80)])


class DrawRuleForm(GuardedForm):
    bank_id = SelectField(_l("Question bank"), coerce=db_int, validate_choice=False)
    category_id = SelectField(_l("Category (with its sub-categories)"), coerce=db_int,
                              validate_choice=False)
    tag = StringField(_l("Tag"))
    difficulty = SelectField(_l("Difficulty"), coerce=db_int, validate_choice=False)
    count = IntegerField(_l("Questions to draw"), default=1, validators=[Optional()],
                         render_kw={"inputmode": "numeric"})
    points = FloatField(_l("Points per question"), validators=[Optional()])


class FlagForm(GuardedForm):
    """A publish or archive button: "1" turns the flag on, "0" off."""

    value = HiddenField(validators=[AnyOf(["0", "1"])])  # a bare POST changes nothing
