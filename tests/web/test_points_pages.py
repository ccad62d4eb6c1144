"""积分 pages: my points, the leaderboard's scope (no query parameter widens it), the switch,
the administrator's rules form, and a constant number of statements per board."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Hospital, User, UserRole
from app.services.accounts import hash_password
from app.services.points.rules import load_settings
from tests.helpers import TEST_HASH
from tests.learning_factories import department, make_course, make_sop, person
from tests.points_factories import complete_lessons, run


@pytest.fixture
def records(app, demo):
    """王小雨 12 (a run, two lessons), 赵晴 10 (her department), 周一帆 20 (整形外科),
    马丽 50 (美容皮肤科, another department of the same clinic)."""
    sop = make_sop("points-pages-sop")
    course = make_course("points-pages", [("a", "一", "x"), ("b", "二", "x")])
    complete_lessons("employee", course, ["a", "b"])
    for login, runs in (("employee", 1), ("10005", 1), ("10007", 2), ("10012", 5)):
        for _n in range(runs):
            run(login, sop)


def _login(client, login: str) -> None:
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"login": login, "password": "demo1234"}
                       ).status_code == 302


def test_my_points(client, records):
    _login(client, "employee")
    page = client.get("/points/").text
    assert 'data-testid="points-total"><strong>12<' in page
    assert 'data-testid="points-month"><strong>12<' in page
    assert 'data-rule="run_signed_off"><td>' in page
    assert 'data-testid="leaderboard-link"' in page


def test_the_department_board_of_an_employee(client, records):
    _login(client, "employee")
    page = client.get("/points/leaderboard").text
    assert "王小雨" in page and "赵晴" in page
    for outsider in ("周一帆", "马丽", "陈主管"):
        assert outsider not in page
    assert 'data-testid="my-rank"' in page


def test_the_clinic_board_names_only_ones_own_people(client, records):
    _login(client, "employee")
    page = client.get("/points/leaderboard?scope=hospital&period=all").text
    assert "王小雨" in page and "赵晴" in page and "周一帆" not in page and "马丽" not in page
    assert page.count('<span class="muted">') >= 2  # 马丽 and 周一帆 as "a colleague"
    assert "美容皮肤科" not in page.split('data-testid="leaderboard"')[1]


@pytest.mark.parametrize("login,query", [
    ("employee", "department_id={beauty}"),
    ("employee", "department_id={surgery}"),
    ("employee", "scope=hospital&hospital_id={branch}"),
    ("supervisor", "department_id={beauty}"),
    ("supervisor", "scope=department&department_id={members}"),
    ("supervisor", "scope=hospital&hospital_id={branch}"),
    ("supervisor", "scope=hospital&hospital_id=2147483647"),
])
def test_no_parameter_widens_the_board(client, records, login, query):
    ids = {"beauty": department("美容皮肤科").id, "surgery": department("整形外科").id,
           "members": department("会员部").id,
           "branch": db.session.scalar(select(Hospital.id).where(
               Hospital.name == "星河医美滨江门诊部"))}
    _login(client, login)
    response = client.get("/points/leaderboard?" + query.format(**ids))
    assert response.status_code == 404
    assert "马丽" not in response.text


def test_a_supervisor_picks_among_the_departments_they_lead(client, records):
    _login(client, "supervisor")
    own = client.get("/points/leaderboard?period=all").text
    assert "周一帆" in own and "王小雨" not in own and "马丽" not in own
    led = client.get(f"/points/leaderboard?department_id={department('客服中心').id}").text
    assert "王小雨" in led and "赵晴" in led and "马丽" not in led
    clinic = client.get("/points/leaderboard?scope=hospital").text
    assert "周一帆" in clinic and "王小雨" in clinic and "马丽" not in clinic


def test_nonsense_parameters_fall_back_to_the_defaults(client, records):
    _login(client, "employee")
    for query in ("scope=everyone", "period=forever", "department_id=abc",
                  "department_id=99999999999999999999", "scope=hospital&hospital_id=-x"):
        response = client.get("/points/leaderboard?" + query)
        assert response.status_code == 200, query
        assert "王小雨" in response.text


def test_an_admin_opens_any_board(client, records):
    _login(client, "admin")
    page = client.get(f"/points/leaderboard?department_id={department('美容皮肤科').id}"
                      ).text
    assert "马丽" in page


def test_the_switch_hides_the_leaderboard_but_not_my_points(client, records):
    _login(client, "admin")
    response = client.post("/points/settings", data={
        "lesson_completed": "1", "quiz_passed": "5", "run_signed_off": "10",
        "class_attended": "5"})
    assert response.status_code == 302
    assert load_settings().leaderboard_enabled is False
    _login(client, "employee")
    page = client.get("/points/leaderboard").text
    assert 'data-testid="leaderboard-off"' in page and "赵晴" not in page
    mine = client.get("/points/").text
    assert 'data-testid="leaderboard-link"' not in mine and "<strong>12<" in mine
    assert 'data-testid="profile-leaderboard-link"' not in client.get("/auth/profile").text


def test_the_profile_and_home_link_to_points_and_certificates(client, records):
    _login(client, "employee")
    profile = client.get("/auth/profile").text
    for testid in ("profile-points-link", "profile-leaderboard-link",
                   "profile-certificates-link"):
        assert f'data-testid="{testid}"' in profile
    home = client.get("/learn/").text
    assert 'data-testid="points-link"' in home and 'data-testid="certificates-link"' in home
    _login(client, "admin")
    assert 'data-testid="points-settings-link"' in client.get("/admin/").text


@pytest.mark.parametrize("bad", ["", "abc", "-1", "1001", "2.5", "1_0", "+5", "10000"])
def test_rule_values_are_checked(client, records, bad):
    _login(client, "admin")
    response = client.post("/points/settings", data={
        "lesson_completed": bad, "quiz_passed": "7", "run_signed_off": "x",
        "class_attended": "5", "leaderboard_enabled": "y"})
    assert response.status_code == 200
    assert response.text.count('class="form-error"') == 2
    assert "1000" in response.text
    assert load_settings().values["quiz_passed"] == 5  # nothing stored


def test_new_rule_values_change_everyones_points(client, records):
    _login(client, "admin")
    form = client.get("/points/settings").text
    assert 'value="10"' in form and 'name="leaderboard_enabled"' in form
    response = client.post("/points/settings", data={
        "lesson_completed": "３", "quiz_passed": "0", "run_signed_off": " 1 ",
        "class_attended": "5", "leaderboard_enabled": "y"}, follow_redirects=True)
    assert 'value="3"' in response.text
    assert load_settings().values == {"lesson_completed": 3, "quiz_passed": 0,
                                      "run_signed_off": 1, "class_attended": 5}  # ３ is 3
    _login(client, "employee")
    assert 'data-testid="points-total"><strong>7<' in client.get("/points/").text  # 2×3 + 1


def _add_staff(count: int) -> None:
    """`count` more people in 客服中心/网络咨询组, each with a signed-off run."""
    sop = make_sop(f"points-load-{count}")
    dept = person("employee").department_id
    password = hash_password("unused-password1", TEST_HASH)
    for n in range(count):
        user = User(login=f"p{count}-{n}", name=f"员工{n}", password_hash=password,
                    department_id=dept, must_change_password=False)
        user.role_rows.append(UserRole(role="employee"))
        db.session.add(user)
        db.session.flush()
        run(user.login, sop)


@pytest.mark.parametrize("url", ["/points/leaderboard", "/points/leaderboard?scope=hospital",
                                 "/points/"])
def test_boards_are_constant_in_the_number_of_people(client, records, count_statements, url):
    _login(client, "employee")

    def statements() -> int:
        with count_statements() as counted:
            assert client.get(url).status_code == 200
        return counted()

    _add_staff(5)
    few = statements()
    _add_staff(50)
    many = statements()
    assert many == few
    if url == "/points/leaderboard":  # 57 people in 网络咨询组: the first 20 are listed
        table = client.get(url).text.split('data-testid="leaderboard"')[1].split("</table>")[0]
        assert table.count("<tr") == 1 + 20 and "王小雨" in table
