"""Every text field of every form carries the client-privacy guard, or is a written opt-out
listed in docs/privacy.md: a new form or field cannot skip it (docs/privacy.md)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, StringField
from wtforms.fields.core import UnboundField

import app.web
from app.services.points.rules import RULES, PointsSettings
from app.web.forms import GuardedForm, guarded_fields
from app.web.points.forms import settings_form

DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
PHONE = "客户 138 1234 5678 加了好友"
ORDINARY = "病例 CRM-2026-000123，12800 元，2026-11-23 复诊，门诊 0755-8888 6666，138****5678"


def _subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def form_classes() -> list[type]:
    """Every FlaskForm subclass of app.web (each module imported first)."""
    for module in pkgutil.walk_packages(app.web.__path__, "app.web."):
        importlib.import_module(module.name)
    return sorted({c for c in _subclasses(FlaskForm) if c.__module__.startswith("app.web.")
                   and c is not GuardedForm},
                  key=lambda c: (c.__module__, c.__name__))


def text_fields(form_class) -> dict[str, type]:
    """Name → field class of the text fields a form class declares (sub-forms: "a.b")."""
    found = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if not isinstance(unbound, UnboundField):
            continue
        kind = unbound.field_class
        if kind is FieldList:
            unbound, kind = unbound.args[0], unbound.args[0].field_class
        if kind is FormField:
            found |= {f"{name}.{sub}": k for sub, k in text_fields(unbound.args[0]).items()}
        elif issubclass(kind, StringField):
            found[name] = kind
    return found


FORMS = form_classes()


def test_the_walk_finds_the_forms_people_type_about_clients_in():
    names = {f"{c.__name__}.{field}" for c in FORMS for field in text_fields(c)}
    assert len(FORMS) > 40
    assert {"AssignmentForm.message", "GradeForm.comment", "ReviewForm.reason",
            "PathForm.description", "CorrectForm.note", "StartForm.context",
            "QuestionForm.options.text", "LessonForm.body", "StepForm.script",
            "HospitalForm.name"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_every_form_is_guarded_and_every_opt_out_is_a_written_reason(form_class):
    assert issubclass(form_class, GuardedForm), f"{form_class.__name__} must extend GuardedForm"
    fields = text_fields(form_class)
    docs = DOCS.read_text(encoding="utf-8")
    for name, reason in form_class.privacy_exempt.items():
        assert name in fields, f"{form_class.__name__}.{name} is no text field"
        assert len(reason) > 20, f"{form_class.__name__}.{name}: write why it is exempt"
        assert f"`{form_class.__name__}.{name}`" in docs, f"document {form_class.__name__}.{name}"


def _filled(form_class, value: str):
    """An instance whose every text field (one option row for FieldLists) holds `value`."""
    data = MultiDict()
    for name in text_fields(form_class):
        data[name.replace(".", "-0-")] = value
    form = form_class(formdata=data)
    for field in form:  # select fields get their choices in the views
        if getattr(field, "choices", ()) is None:
            field.choices = []
    return form


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_every_guarded_field_refuses_a_phone_number_naming_itself(app, form_class):
    with app.test_request_context(method="POST"):
        form = _filled(form_class, PHONE)
        expected = set(text_fields(form_class)) - set(form_class.privacy_exempt)
        guarded = {field.short_name for field in guarded_fields(form)}
        assert {name.rsplit(".", 1)[-1] for name in expected} == guarded
        valid = form.validate()
        if guarded:
            assert not valid
        for field in guarded_fields(form):
            assert any("手机号码" in str(e) or "mobile phone" in str(e) for e in field.errors), (
                f"{form_class.__name__}.{field.name}: {field.errors}")
            assert field.data == PHONE  # what was typed stays on the page
        for name in form_class.privacy_exempt:
            assert not any("mobile phone" in str(e) for e in form[name].errors)


def test_the_points_form_built_at_run_time_is_guarded_too(app):
    with app.test_request_context(method="POST", data={RULES[0].key: "13812345678"}):
        form = settings_form(PointsSettings({r.key: 1 for r in RULES}, True))
        assert isinstance(form, GuardedForm)
        assert not form.validate()
        assert form[RULES[0].key].errors


def test_ordinary_text_with_numbers_passes_every_form(app):
    with app.test_request_context(method="POST"):
        for form_class in FORMS:
            form = _filled(form_class, ORDINARY)
            form.validate()
            assert not [e for f in guarded_fields(form) for e in f.errors if "号码" in str(e)]
