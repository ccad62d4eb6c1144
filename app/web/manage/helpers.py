"""What the manage views share: save-or-render, POST buttons, upload limits, form choices."""

from __future__ import annotations

from functools import wraps

from flask import request

from app.extensions import csrf
from app.services import org
from app.web.forms import choices, post_action, save_or_render  # noqa: F401  (re-exported)
from app.web.media import upload_settings

FORM_SLACK = 1024 * 1024  # room for the other fields of a form next to its largest file


def accepts_upload(kind: str):
    """For a view whose form carries a file of `kind`: a request body that large is allowed.

    CSRFProtect reads the body before any view runs, with the application's smaller limit;
    so the view is exempt from it and its FlaskForm checks the CSRF token instead (every
    such view must call `validate_on_submit` before it changes anything).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            request.max_content_length = upload_settings().limit_bytes(kind) + FORM_SLACK
            return view(*args, **kwargs)

        return csrf.exempt(wrapped)

    return decorator


def fill_audience(form, item=None) -> None:
    """Choices of the audience checkboxes, and the item's audience on first display."""
    form.position_ids.choices = choices((p.id, p.name) for p in org.list_positions())
    form.department_ids.choices = choices(org.department_options())
    if item is not None and request.method == "GET":
        form.position_ids.data = [p.id for p in item.positions]
        form.department_ids.data = [d.id for d in item.departments]


def position_choices(field, none_label: str) -> None:
    field.choices = choices([(0, none_label)] +
                            [(p.id, p.name) for p in org.list_positions()])
    if field.data is None:
        field.data = 0
