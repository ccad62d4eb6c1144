"""Heavy pages run a constant number of SQL statements, whatever the number of people."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Department, Position, User, UserRole
from app.services.accounts import hash_password


def _add_staff(count: int, department_name: str = "整形外科") -> None:
    department = db.session.scalar(select(Department).where(Department.name == department_name))
    position = db.session.scalar(select(Position).where(Position.name == "护士"))
    password = hash_password("unused-password1")
    start = db.session.scalar(select(db.func.count(User.id)))
    for n in range(count):
        user = User(login=f"s{start + n:05d}", name=f"员工{start + n}", password_hash=password,
                    department_id=department.id, position_id=position.id,
                    must_change_password=False)
        user.role_rows.append(UserRole(role="employee"))
        db.session.add(user)
    db.session.commit()


def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def test_admin_user_list_is_constant_in_the_number_of_users(client, auth, demo,
                                                            count_statements):
    auth.as_role("admin")
    few = _statements(client, count_statements, "/admin/users")
    _add_staff(40)
    many = _statements(client, count_statements, "/admin/users")
    assert "员工" in client.get("/admin/users").text
    assert many == few


def test_team_page_is_constant_in_the_number_of_team_members(client, auth, demo,
                                                             count_statements):
    auth.as_role("supervisor")
    few = _statements(client, count_statements, "/team/")
    _add_staff(40)
    many = _statements(client, count_statements, "/team/")
    assert many == few


def test_department_and_trainer_pages_are_constant(client, auth, demo, count_statements):
    auth.as_role("admin")
    urls = ["/admin/departments", "/admin/positions", "/manage/", "/admin/"]
    few = [_statements(client, count_statements, url) for url in urls]
    _add_staff(40)
    many = [_statements(client, count_statements, url) for url in urls]
    assert many == few
