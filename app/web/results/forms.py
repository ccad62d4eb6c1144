"""Forms of the results pages. They only collect: the rules live in app/services/results/."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.services.results.measures import MEASURES
from app.web.forms import SORT_RANGE, GuardedForm, choices

KIND_LABELS = {"weekly": _l("Weekly"), "monthly": _l("Monthly")}


class MetricForm(GuardedForm):
    name = StringField(_l("Metric name"))
    unit = StringField(_l("Unit"), description=_l("For example 人, 次, 单 or 分."))
    period = SelectField(_l("Period"), choices=choices(KIND_LABELS.items()),
                         validate_choice=False)
    kind = SelectField(_l("What it measures"), validate_choice=False, choices=choices(
        [("", _l("Decide from the unit (分 and % average, others add up)"))]
        + [(m.key, m.label) for m in MEASURES.values()]),
        description=_l("Counts and amounts add up over people and periods; ratings and rates "
                       "average."))
    decimals = IntegerField(_l("Decimals shown"), validators=[Optional()],
                            render_kw={"inputmode": "numeric"},
                            description=_l("0 to 4; figures and totals are rounded half up to "
                                           "this many places on pages and in downloads. Empty: "
                                           "0 for counts, 2 for amounts, 1 for ratings and "
                                           "rates."))
    higher_is_better = BooleanField(_l("Higher is better"), default=True)
    description = TextAreaField(_l("Description"), render_kw={"rows": 3})
    sort_order = IntegerField(_l("Sort order"), default=0, validators=[Optional(), SORT_RANGE])


class ImportForm(GuardedForm):
    kind = SelectField(_l("Period kind"), choices=choices(KIND_LABELS.items()),
                       validate_choice=False)
    period = StringField(_l("Period"), render_kw={"list": "recent-periods",
                                                  "placeholder": "2026-W47 / 2026-11"})
    file = FileField(_l("Results file (.xlsx)"))
    dry_run = BooleanField(_l("Only check the file, write nothing"))


class CorrectForm(GuardedForm):
    value = StringField(_l("Corrected figure"))
    note = StringField(_l("Reason for the correction"))


class ActionForm(GuardedForm):
    """An empty form: a button that POSTs with a CSRF token."""
