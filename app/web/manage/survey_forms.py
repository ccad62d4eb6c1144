"""Forms of the survey builder (问卷)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.services.surveys.questions import TYPES
from app.web.forms import GuardedForm, choices


class SurveyForm(GuardedForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    anonymous = BooleanField(_l("Anonymous: nobody, administrators included, can see who "
                                "answered what"), default=True)


class QuestionForm(GuardedForm):
    type = SelectField(_l("Question type"),
                       choices=choices((key, t.label) for key, t in TYPES.items()))
    text = TextAreaField(_l("Question"), validators=[InputRequired(), Length(max=2000)])
    options = TextAreaField(_l("Options (single or multiple choice), one per line"),
                            validators=[Length(max=5000)])
    required = BooleanField(_l("An answer is required"), default=True)


class AttachForm(GuardedForm):
    item = SelectField(_l("Evaluates"), validate_choice=False)
