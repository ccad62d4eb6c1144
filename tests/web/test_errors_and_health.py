"""Error pages in the user's language, health checks, CSRF, production settings."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Hospital
from tests.conftest import make_config


def test_healthz_answers_ok_without_touching_the_database(client, count_statements):
    with count_statements() as counted:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok"
    assert counted() == 0


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "uploads": "ok"}}


def test_readyz_reports_an_unreachable_database():
    broken = create_app(make_config(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/x.db"))
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["database"] == "unavailable"


def test_404_page_is_chinese_then_english(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.text
    client.post("/auth/language", data={"lang": "en"})
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.text


def test_403_page_is_in_chinese(client, auth, demo):
    auth.as_role("employee")
    page = client.get("/admin/")
    assert page.status_code == 403 and "无权访问" in page.text


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_forms_without_csrf_token_are_refused_with_a_message(client, demo):
    response = client.post("/auth/login", data={"login": "admin", "password": "demo1234"})
    assert response.status_code == 400
    assert "表单已过期" in response.text


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_every_form_on_a_page_carries_a_csrf_token(client, demo):
    page = client.get("/auth/login").text
    assert page.count('name="csrf_token"') >= 2  # the login form and the language switch


@pytest.mark.fresh_app  # adds a route: the shared app has served requests already
def test_a_server_error_rolls_back_and_shows_a_chinese_page(app, client, auth, demo):
    @app.get("/boom-for-test")
    def boom():
        db.session.add(Hospital(name="半途而废的院区"))
        db.session.flush()
        raise RuntimeError("boom")

    response = client.get("/boom-for-test")
    assert response.status_code == 500 and "出错" in response.text
    assert db.session.scalar(select(Hospital).where(Hospital.name == "半途而废的院区")) is None


def test_production_requires_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_postgres_urls_use_the_psycopg_driver(monkeypatch):
    from app.config import normalise_database_url

    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


HUGE = "99999999999999999999999"


@pytest.mark.parametrize("role,url", [
    ("trainer", f"/manage/courses/{HUGE}"),
    ("trainer", f"/manage/quizzes/{HUGE}"),
    ("employee", f"/learn/attempts/{HUGE}"),
    ("admin", f"/admin/users/{HUGE}/edit"),
])
def test_an_id_too_big_for_the_database_is_not_found(client, auth, demo, role, url):
    auth.as_role(role)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    f"/admin/users?page={HUGE}&department={HUGE}&position=-{HUGE}",
    f"/grading/?quiz={HUGE}&page={HUGE}",
    f"/manage/quizzes/new?page={HUGE}",
])
def test_a_number_too_big_in_the_query_string_is_ignored(client, auth, demo, url):
    auth.as_role("admin")
    assert client.get(url).status_code == 200


def test_a_sort_order_too_big_is_refused_with_a_message(client, auth, demo):
    auth.as_role("admin")
    response = client.post("/admin/positions/new", data={"name": "新岗位", "sort_order": HUGE})
    assert response.status_code == 200
    assert "新岗位" in response.text and "100000" in response.text


def test_a_translated_message_carrying_user_text_is_escaped_on_the_page(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    hostile = '<img src=x onerror="alert(1)">'
    with app.test_request_context("/"):
        html = render_template_string("<p>{{ message }}</p>{{ errors|join(', ') }}",
                                      message=lazy_gettext("Opens when you complete “%(title)s”.",
                                                           title=hostile),
                                      errors=[lazy_gettext("Unknown key '%(key)s'.", key=hostile)])
    assert "<img" not in html and "&lt;img" in html
