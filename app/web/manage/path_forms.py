"""Forms of the learning-path builder. Field rules live in services.assign.path_authoring."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from app.models.assignments import PathStageItem
from app.services.items import labels
from app.web.forms import GuardedForm, choices, db_int
from app.web.manage.forms import ValidityMixin

MODE_LABELS = {"free": _l("Free order"), "dated": _l("Opens by date"),
               "gated": _l("Level by level")}
MODE_HINTS = {"free": _l("Every stage is open from the start."),
              "dated": _l("Each stage opens a number of days after the employee starts."),
              "gated": _l("A stage opens when every item of the stage before it is done.")}
KIND_LABELS = labels(PathStageItem)  # what a stage may hold, from the item registry
DAYS = [Optional(), NumberRange(min=-100_000, max=100_000)]


class PathForm(ValidityMixin, GuardedForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"), render_kw={"rows": 3})
    mode = RadioField(_l("How the stages open"), choices=choices(MODE_LABELS.items()),
                      default="free", validate_choice=False)


class StageForm(GuardedForm):
    title = StringField(_l("Stage title"))
    opens_after_days = IntegerField(_l("Opens after (days from the start)"), default=0,
                                    validators=DAYS, render_kw={"inputmode": "numeric"})


class StageItemForm(GuardedForm):
    item = SelectField(_l("Add to this stage"), validate_choice=False)


class OnboardingForm(GuardedForm):
    position_id = SelectField(_l("Position"), coerce=db_int, validate_choice=False)
    due_days = IntegerField(_l("Days to complete"), default=30, validators=DAYS,
                            render_kw={"inputmode": "numeric"})
