"""Forms of the admin blueprint. Field rules live in the services; forms only collect."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import Optional

from app.permissions import ROLE_LABELS, ROLE_ORDER
from app.web.forms import SORT_RANGE, GuardedForm, MultiCheckboxField, choices, db_int


class HospitalForm(GuardedForm):
    name = StringField(lazy_pgettext("organisation", "Name"))
    code = StringField(_l("Code"))
    sort_order = IntegerField(_l("Sort order"), default=0, validators=[Optional(), SORT_RANGE])


class DepartmentForm(GuardedForm):
    hospital_id = SelectField(_l("Hospital"), coerce=db_int)
    parent_id = SelectField(_l("Parent department"), coerce=db_int)
    name = StringField(lazy_pgettext("organisation", "Name"))
    sort_order = IntegerField(_l("Sort order"), default=0, validators=[Optional(), SORT_RANGE])
    privacy_exempt = {"wecom_webhook_url": "a robot's address: its key is random hex and may "
                                           "hold 11 digits in a row; never shown to learners"}
    wecom_webhook_url = StringField(
        _l("WeCom group robot webhook"),
        description=_l("Optional. Overdue reminders for this department are posted to this "
                       "WeCom group (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); "
                       "leave it empty to use the default robot."))


class PositionForm(GuardedForm):
    name = StringField(lazy_pgettext("organisation", "Name"))
    sort_order = IntegerField(_l("Sort order"), default=0, validators=[Optional(), SORT_RANGE])


class UserForm(GuardedForm):
    login = StringField(_l("Employee number"))
    name = StringField(_l("Name"))
    email = StringField(_l("Email"))
    phone = StringField(_l("Mobile phone"))
    department_id = SelectField(_l("Department"), coerce=db_int)
    position_id = SelectField(_l("Position"), coerce=db_int)
    hire_date = StringField(_l("Hire date"), render_kw={"type": "date"})
    roles = MultiCheckboxField(
        _l("Roles"), choices=choices((r.value, ROLE_LABELS[r]) for r in reversed(ROLE_ORDER))
    )
    led_department_ids = MultiCheckboxField(_l("Departments led (supervisors)"), coerce=db_int)
    password = StringField(_l("Initial password"))
    privacy_exempt = {
        "login": "the employee's own number (工号): staff data, some clinics use a mobile number",
        "email": "the employee's own address: staff data, often a mobile number at a mail host",
        "phone": "the employee's own mobile number: staff data (clean_phone checks it)",
        "password": "an initial password is never stored or shown, only its hash",
    }


class RosterForm(GuardedForm):
    file = FileField(_l("Roster file (.xlsx or .csv)"))
    dry_run = BooleanField(_l("Only check the file, write nothing"))


class ConfirmForm(GuardedForm):
    """An empty form: a button that POSTs with a CSRF token."""
