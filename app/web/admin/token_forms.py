"""The form for a new API token and the names of the scopes as admins read them."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from app.services.api_tokens import SCOPES
from app.web.forms import GuardedForm, MultiCheckboxField, choices

SCOPE_LABELS = {
    "users": _l("People (accounts)"),
    "departments": _l("Departments"),
    "assignments": _l("Assignments and their status"),
    "attempts": _l("Quiz attempts"),
    "runs": _l("SOP practice runs"),
    "results": _l("Private-domain figures"),
    "kpis": _l("Metric definitions (KPIs)"),
}


class ApiTokenForm(GuardedForm):
    name = StringField(_l("Token name"),
                       description=_l("Who uses it, e.g. “Power BI monthly report”."))
    scopes = MultiCheckboxField(_l("May read"),
                                choices=choices((s, SCOPE_LABELS[s]) for s in SCOPES))
