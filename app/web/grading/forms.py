"""Forms of the grading blueprint. The rules (points 0..max) live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, HiddenField, TextAreaField
from wtforms.validators import Optional

from app.web.forms import GuardedForm, MultiCheckboxField, db_int


class GradeForm(GuardedForm):
    points = FloatField(_l("Points awarded"), validators=[Optional()],
                          render_kw={"inputmode": "decimal"})
    rubric = MultiCheckboxField(_l("Rubric points met"), coerce=db_int, validate_choice=False)
    comment = TextAreaField(_l("Comment for the employee"), render_kw={"rows": 4})
    seen = HiddenField()  # the grade shown when the page opened (grading.grade_token)
