"""What an administrator does in the browser: organisation and accounts."""

from __future__ import annotations

import html
import json

from sqlalchemy import select

from app.extensions import db
from app.models import Department, Hospital, Position, User


def _id(model, **where) -> int:
    return db.session.scalar(select(model.id).filter_by(**where))


def test_admin_creates_a_user_and_sees_the_temporary_password_once(client, auth, demo):
    auth.as_role("admin")
    page = client.post("/admin/users/new", data={
        "login": "40001", "name": "林一", "phone": "139 0000 1111", "email": "",
        "department_id": _id(Department, name="会员部"),
        "position_id": _id(Position, name="会员专员"),
        "roles": ["employee"], "password": "",
    })
    assert page.status_code == 200 and "临时密码" in page.text
    user = db.session.scalar(select(User).where(User.login == "40001"))
    assert user.phone == "13900001111" and user.must_change_password
    assert "40001" in client.get("/admin/users?q=林一").text


def test_user_form_errors_are_shown_in_chinese_and_nothing_is_saved(client, auth, demo):
    auth.as_role("admin")
    page = client.post("/admin/users/new", data={"login": "40002", "name": "  ",
                                                 "department_id": 0, "position_id": 0,
                                                 "roles": ["employee"]})
    assert page.status_code == 200 and "不能为空" in page.text
    assert db.session.scalar(select(User).where(User.login == "40002")) is None


def test_admin_makes_someone_a_supervisor_of_a_department(client, auth, demo):
    auth.as_role("admin")
    user_id = _id(User, login="10011")
    dept = _id(Department, name="会员部")
    response = client.post(f"/admin/users/{user_id}/edit", data={
        "login": "10011", "name": "何静", "department_id": dept,
        "position_id": _id(Position, name="会员专员"),
        "roles": ["employee", "supervisor"], "led_department_ids": [dept],
    })
    assert response.status_code == 302
    auth.logout()
    assert auth.login("10011").status_code == 302
    assert client.get("/").location == "/team/"


def test_deactivate_and_reactivate_from_the_user_page(client, auth, demo):
    auth.as_role("admin")
    user_id = _id(User, login="employee")
    client.post(f"/admin/users/{user_id}/active", data={"active": "0"})
    assert "已停用" in client.get(f"/admin/users/{user_id}/edit").text
    assert "王小雨" in client.get("/admin/users?status=inactive").text
    assert "王小雨" not in client.get("/admin/users").text
    client.post(f"/admin/users/{user_id}/active", data={"active": "1"})
    assert db.session.get(User, user_id).active


def test_reset_password_shows_a_new_password_that_works(app, client, auth, demo):
    auth.as_role("admin")
    user_id = _id(User, login="employee")
    page = client.post(f"/admin/users/{user_id}/reset-password")
    password = page.text.split('data-testid="temp-password">')[1].split("<")[0]
    other = app.test_client()
    other.post("/auth/login", data={"login": "employee", "password": password})
    assert other.get("/learn/").location == "/auth/password"


def test_admin_builds_a_department_tree(client, auth, demo):
    auth.as_role("admin")
    hospital = _id(Hospital, code="BJ")
    client.post("/admin/departments/new", data={"hospital_id": hospital, "parent_id": 0,
                                                "name": "会员部", "sort_order": 1})
    parent = _id(Department, hospital_id=hospital, name="会员部")
    client.post("/admin/departments/new", data={"hospital_id": hospital, "parent_id": parent,
                                                "name": "回访组", "sort_order": 0})
    page = client.get("/admin/departments").text
    assert "回访组" in page
    refused = client.post(f"/admin/departments/{parent}/delete", follow_redirects=True)
    assert "请先删除或移走下级部门" in refused.text


def test_admin_renames_a_position(client, auth, demo):
    auth.as_role("admin")
    position = _id(Position, name="运营")
    client.post(f"/admin/positions/{position}/edit", data={"name": "私域运营", "sort_order": 7})
    assert "私域运营" in client.get("/admin/positions").text


def test_duplicate_hospital_name_is_refused_with_a_message(client, auth, demo):
    auth.as_role("admin")
    page = client.post("/admin/hospitals/new", data={"name": "星河医疗美容医院", "code": ""})
    assert page.status_code == 200 and "已存在" in page.text


def test_seed_demo_json_lists_one_account_per_role(runner, app):
    result = runner.invoke(args=["seed-demo", "--json"])
    assert result.exit_code == 0
    users = json.loads(result.output)["users"]
    roles = {role for user in users for role in user["roles"]}
    assert roles == {"employee", "supervisor", "trainer", "admin"}
    assert all(set(user) == {"login", "password", "roles"} for user in users)
    again = runner.invoke(args=["seed-demo", "--json"])
    assert json.loads(again.output) == {"users": users}


def test_user_search_takes_wildcards_literally_and_survives_control_characters(client, auth,
                                                                               demo):
    auth.as_role("admin")
    assert "王小雨" in client.get("/admin/users?q=小雨").text
    assert "王小雨" not in client.get("/admin/users?q=%25").text
    assert "王小雨" not in client.get("/admin/users?q=_").text
    assert client.get("/admin/users?q=a%00b").status_code == 200


def test_the_hire_date_is_set_on_the_user_form_as_people_write_it(client, auth, demo):
    auth.as_role("admin")
    base = {"login": "40003", "name": "新人", "department_id": 0, "position_id": 0,
            "roles": ["employee"], "password": ""}
    page = client.post("/admin/users/new", data={**base, "hire_date": "2026年2月30日"})
    assert page.status_code == 200
    assert "入职日期 '2026年2月30日' 不是有效日期" in html.unescape(page.text)
    assert db.session.scalar(select(User).where(User.login == "40003")) is None
    client.post("/admin/users/new", data={**base, "hire_date": "2026/3/1"})
    user = db.session.scalar(select(User).where(User.login == "40003"))
    assert str(user.hire_date) == "2026-03-01"
    form = client.get(f"/admin/users/{user.id}/edit").text
    assert 'name="hire_date"' in form and 'value="2026-03-01"' in form
    client.post(f"/admin/users/{user.id}/edit", data={**base, "hire_date": "2026-04-15"})
    db.session.refresh(user)
    assert str(user.hire_date) == "2026-04-15"
    client.post(f"/admin/users/{user.id}/edit", data={**base, "hire_date": ""})
    db.session.refresh(user)
    assert user.hire_date == user.created_at.date()  # empty: the day the account was made
