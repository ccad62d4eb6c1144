"""Helpers shared by every blueprint's forms and views."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import IntegerConverter
from wtforms import Field, FieldList, FormField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from app.extensions import db
from app.services.errors import DomainError
from app.services.privacy import pii_message
from app.services.stale import StaleEdit

MAX_ID = 2**31 - 1  # a database INTEGER
DATABASE_FAILED = _l("The database did not answer, so nothing was saved. What you entered is "
                     "still on this page: try again in a moment.")
T = TypeVar("T")
log = logging.getLogger(__name__)


def db_int(value: str) -> int:
    """`int(value)` when it fits a database integer; ValueError otherwise, so that
    `request.args.get(name, type=db_int)` falls back to its default instead of failing."""
    number = int(value)
    if not -MAX_ID <= number <= MAX_ID:
        raise ValueError(value)
    return number


SORT_RANGE = NumberRange(min=-100_000, max=100_000)


class IdConverter(IntegerConverter):
    """The `int` URL converter, bounded to database integers: /x/99999999999999999999 is a
    404, not an overflow in the database driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class GuardedForm(FlaskForm):
    """The base of every form (docs/privacy.md): each text field (StringField and its kinds:
    TextAreaField, HiddenField, PasswordField …, inside FormField and FieldList too) refuses
    what looks like a client's phone or ID-card number, naming the field. What was typed stays
    on the page. A field that may hold one is listed in `privacy_exempt` with the reason."""

    privacy_exempt: dict[str, str] = {}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in guarded_fields(self):
            message = pii_message(field.data if isinstance(field.data, str) else None,
                                  field.label.text)
            if message is not None:
                field.errors = [*field.errors, str(message)]
                valid = False
        return valid


def guarded_fields(form) -> list[Field]:
    """The text fields of `form` (and of its sub-forms) that the privacy guard checks."""
    exempt = getattr(form, "privacy_exempt", {})
    found: list[Field] = []
    for name, field in form._fields.items():
        if name in exempt:
            continue
        if isinstance(field, FormField):
            found.extend(guarded_fields(field.form))
        elif isinstance(field, FieldList):
            for entry in field.entries:
                found.extend(guarded_fields(entry.form) if isinstance(entry, FormField)
                             else [entry] if isinstance(entry, StringField) else [])
        elif isinstance(field, StringField):
            found.append(field)
    return found


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier to tap than a multi-select)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a domain error under its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)] if field.errors else [str(error)]
    else:
        form.form_errors.append(str(error))


MAX_NEXT_LENGTH = 2000  # longer is no page of ours (and would make a header too long)


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to, never another site; `default` for anything else.

    Refused: absolute and protocol-relative addresses (`https://…`, `//evil`), backslashes
    (browsers read `/\\evil` as `//evil`), control characters (a line break in a Location
    header is a 500 in Werkzeug, and browsers drop tabs and line breaks from addresses, so
    `/<tab>/evil` would become `//evil`), Unicode line separators and very long values."""
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/"):
        return default
    if target.startswith("//") or any(_unsafe(char) for char in target):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    if parts.scheme or parts.netloc:
        return default
    return target


def _unsafe(char: str) -> bool:
    """A backslash, or a control or separator character (tab, line breaks, NUL, DEL,
    U+0080–U+009F, U+2028/U+2029) that a browser or a header may read differently."""
    return char == "\\" or unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class DatabaseFailed(DomainError):
    """The database failed while saving: nothing was saved."""


def committed(save: Callable[[], T]) -> T:
    """`save()`, committed. A DomainError passes through (the caller rolls back); a failing
    database is rolled back (files stored with it are removed, see services.media) and
    becomes a DomainError the page can show instead of a 500."""
    try:
        result = save()
        db.session.commit()
    except SQLAlchemyError:
        log.exception("database failed while saving")
        db.session.rollback()
        raise DatabaseFailed(DATABASE_FAILED) from None
    return result


def save_or_render(form, save: Callable[[], object], done: Callable[[object], str],
                   template: str, message: Callable[[object], str] | None = None, **context):
    """POST: call the service and commit, then go to `done(result)`; or show its error."""
    if form.validate_on_submit():
        try:
            result = committed(save)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            if isinstance(error, StaleEdit) and "seen" in form:
                form.seen.data = error.current  # sending again is a deliberate overwrite
        else:
            flash(message(result) if message else _("Saved."), "success")
            return redirect(done(result))
    return render_template(template, form=form, **context)


def post_action(form, action: Callable[[], object], back: str, message: str | None = None):
    """A button that POSTs: run the service and commit, or flash its error; then go back."""
    if form.validate_on_submit():
        try:
            committed(action)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            if message:
                flash(message, "success")
    return redirect(back)
