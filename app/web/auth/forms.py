"""Forms of the auth blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired

from app.web.forms import GuardedForm

PASSWORD = "a password is never stored or shown, only its hash; it may be any digits"
NEXT = "a local address to go back to, checked by safe_next and never stored"


class LoginForm(GuardedForm):
    login = StringField(_l("Employee number"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()
    privacy_exempt = {"login": "the employee's own number (工号), only looked up, never stored",
                      "password": PASSWORD, "next": NEXT}


class PasswordForm(GuardedForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm_password = PasswordField(_l("Repeat the new password"), validators=[DataRequired()])
    privacy_exempt = {"current_password": PASSWORD, "new_password": PASSWORD,
                      "confirm_password": PASSWORD}


class LanguageForm(GuardedForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()
    privacy_exempt = {"next": NEXT}


class LogoutForm(GuardedForm):
    pass
