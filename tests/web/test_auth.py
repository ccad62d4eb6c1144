"""Signing in and out, throttling, first-sign-in password change, language, cookies."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services import accounts
from tests.helpers import TEST_HASH


def test_login_page_is_chinese_by_default(client):
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert "登录" in page.text and 'lang="zh-CN"' in page.text


def test_each_role_lands_on_its_home(client, auth, demo):
    homes = {"employee": "/learn/", "supervisor": "/team/", "trainer": "/manage/",
             "admin": "/admin/"}
    for role, home in homes.items():
        auth.as_role(role)
        assert client.get("/").location == home
        assert client.get(home).status_code == 200
        auth.logout()


def test_wrong_password_shows_a_message_and_does_not_sign_in(client, auth, demo):
    page = auth.login("employee", "wrong-password1")
    assert page.status_code == 200
    assert "工号或密码错误" in page.text
    assert client.get("/learn/").status_code == 302


def test_login_ignores_surrounding_spaces_in_employee_number(client, auth, demo):
    assert auth.login("  employee ").status_code == 302


def test_next_parameter_never_leaves_the_site(client, demo):
    for target, expected in [("/team/", "/team/"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/"), ("/\\evil", "/")]:
        response = client.post("/auth/login", data={"login": "supervisor",
                                                    "password": "demo1234", "next": target})
        assert response.location == expected, target
        client.post("/auth/logout")


def test_ten_failures_then_429_in_chinese(client, auth, demo):
    for _ in range(10):
        assert auth.login("employee", "bad-password9").status_code == 200
    blocked = auth.login("employee", "demo1234")
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.text


def test_successful_logins_do_not_count_as_failures(client, auth, demo):
    for _ in range(12):
        assert auth.login("employee").status_code == 302
        auth.logout()


def test_deactivated_user_cannot_sign_in_and_is_signed_out(client, auth, demo):
    auth.as_role("employee")
    user = db.session.scalar(select(User).where(User.login == "employee"))
    user.active = False
    db.session.commit()
    assert client.get("/learn/").status_code == 302
    assert auth.login("employee").status_code == 200


def test_first_sign_in_forces_password_change(client, auth, demo):
    user, password = accounts.create_user(accounts.UserData(login="20001", name="新员工"),
                                          hash_method=TEST_HASH)
    db.session.commit()
    assert auth.login("20001", password).status_code == 302
    assert client.get("/learn/").location == "/auth/password"
    page = client.post("/auth/password", data={"current_password": password,
                                               "new_password": "short",
                                               "confirm_password": "short"})
    assert "8" in page.text and client.get("/learn/").status_code == 302
    done = client.post("/auth/password", data={"current_password": password,
                                               "new_password": "Clinic2026a",
                                               "confirm_password": "Clinic2026a"})
    assert done.status_code == 302
    assert client.get("/learn/").status_code == 200
    auth.logout()
    assert auth.login("20001", "Clinic2026a").status_code == 302


def test_language_switch_to_english_and_back(client, auth, demo):
    auth.as_role("employee")
    assert "我的学习" in client.get("/learn/").text
    client.post("/auth/language", data={"lang": "en", "next": "/learn/"})
    english = client.get("/learn/").text
    assert "My learning" in english and "我的学习" not in english
    client.post("/auth/language", data={"lang": "zh_CN"})
    assert "我的学习" in client.get("/learn/").text


def test_language_choice_is_remembered_for_the_account(app, demo):
    first = app.test_client()
    first.post("/auth/login", data={"login": "employee", "password": "demo1234"})
    first.post("/auth/language", data={"lang": "en"})
    other_device = app.test_client()
    other_device.post("/auth/login", data={"login": "employee", "password": "demo1234"})
    assert "My learning" in other_device.get("/learn/").text


def test_session_cookie_is_httponly_and_samesite(client, auth, demo):
    response = auth.login("employee")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_requires_post(client, auth, demo):
    auth.as_role("employee")
    assert client.get("/auth/logout").status_code == 405
    auth.logout()
    assert client.get("/learn/").status_code == 302


def test_control_characters_in_the_employee_number_are_a_plain_failure(client, demo):
    page = client.post("/auth/login", data={"login": "emp\x00loyee", "password": "demo1234"})
    assert page.status_code == 200 and "工号或密码错误" in page.text
