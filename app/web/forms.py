"""Helpers shared by every blueprint's forms and views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from app.services.errors import DomainError


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


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to, never another site."""
    if not target or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
