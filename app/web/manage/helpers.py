"""What the manage views share: save-or-render, POST buttons, upload limits, form choices."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _

from app.extensions import csrf, db
from app.services import org
from app.services.errors import DomainError
from app.services.media import limit_bytes
from app.web.forms import attach_error, choices

FORM_SLACK = 1024 * 1024  # room for the other fields of a form next to its largest file


def save_or_render(form, save: Callable[[], object], done: Callable[[object], str],
                   template: str, message: Callable[[object], str] | None = None, **context):
    """POST: call the service and commit, then go to `done(result)`; or show its error."""
    if form.validate_on_submit():
        try:
            result = save()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(message(result) if message else _("Saved."), "success")
            return redirect(done(result))
    return render_template(template, form=form, **context)


def post_action(form, action: Callable[[], object], back: str, message: str | None = None):
    """A button that POSTs: run the service and commit, or flash its error; then go back."""
    if form.validate_on_submit():
        try:
            action()
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            if message:
                flash(message, "success")
    return redirect(back)


def accepts_upload(kind: str):
    """For a view whose form carries a file of `kind`: a request body that large is allowed.

    CSRFProtect reads the body before any view runs, with the application's smaller limit;
    so the view is exempt from it and its FlaskForm checks the CSRF token instead (every
    such view must call `validate_on_submit` before it changes anything).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            request.max_content_length = limit_bytes(kind) + FORM_SLACK
            return view(*args, **kwargs)

        return csrf.exempt(wrapped)

    return decorator


def fill_audience(form, item=None) -> None:
    """Choices of the audience checkboxes, and the item's audience on first display."""
    form.position_ids.choices = choices((p.id, p.name) for p in org.list_positions())
    trees = org.department_tree()
    form.department_ids.choices = choices(
        (row.department.id, f"{hospital.name} / {row.path}")
        for hospital in org.list_hospitals() for row in trees.get(hospital.id, []))
    if item is not None and request.method == "GET":
        form.position_ids.data = [p.id for p in item.positions]
        form.department_ids.data = [d.id for d in item.departments]


def position_choices(field, none_label: str) -> None:
    field.choices = choices([(0, none_label)] +
                            [(p.id, p.name) for p in org.list_positions()])
    if field.data is None:
        field.data = 0
