"""Organisation and account rules, at the service level."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Department, Hospital, Position, User
from app.services import accounts, org
from app.services.errors import DomainError
from app.services.scope import get_team_member, team_members
from tests.helpers import TEST_HASH


def _dept(name: str) -> Department:
    return db.session.scalar(select(Department).where(Department.name == name))


def _user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def test_departments_nest_and_show_their_path(demo):
    child = org.save_department(None, hospital_id=None, parent_id=_dept("病房护理组").id,
                                name="夜班小组")
    assert org.department_paths()[child.id] == "整形外科 / 病房护理组 / 夜班小组"


def test_a_department_cannot_be_moved_under_its_own_child(demo):
    parent, child = _dept("整形外科"), _dept("病房护理组")
    with pytest.raises(DomainError) as refused:
        org.save_department(parent, hospital_id=parent.hospital_id, parent_id=child.id,
                            name=parent.name)
    assert refused.value.field == "parent_id"


def test_sibling_departments_need_different_names_but_cousins_may_share(demo):
    main = db.session.scalar(select(Hospital).where(Hospital.code == "XH"))
    with pytest.raises(DomainError):
        org.save_department(None, hospital_id=main.id, parent_id=None, name="整形外科")
    org.save_department(None, hospital_id=main.id, parent_id=_dept("整形外科").id,
                        name="前台")  # a 前台 also exists at the top level


def test_departments_with_people_or_children_cannot_be_deleted(demo):
    with pytest.raises(DomainError):
        org.delete_department(_dept("整形外科"))
    empty = _dept("美容牙科")
    org.delete_department(empty)
    assert _dept("美容牙科") is None


def test_positions_in_use_cannot_be_deleted_and_names_are_unique(demo):
    nurse = db.session.scalar(select(Position).where(Position.name == "护士"))
    with pytest.raises(DomainError):
        org.delete_position(nurse)
    with pytest.raises(DomainError):
        org.save_position(None, name="护士")


def test_supervisor_scope_covers_sub_departments_only_of_led_departments(demo):
    supervisor = _user("supervisor")
    logins = {u.login for u in db.session.scalars(team_members(supervisor))}
    assert {"employee", "10009", "10007"} <= logins  # 客服中心/网络咨询组, 整形外科/病房护理组
    assert "10012" not in logins and "10006" not in logins  # 美容皮肤科, 前台
    assert get_team_member(supervisor, _user("10012").id) is None


def test_a_user_with_no_led_departments_sees_nobody(demo):
    plain = _user("employee")
    assert list(db.session.scalars(team_members(plain))) == []


def test_new_accounts_get_a_temporary_password_and_must_change_it(demo):
    user, password = accounts.create_user(accounts.UserData(login="30001", name="新人"),
                                          hash_method=TEST_HASH)
    assert user.must_change_password and len(password) == 10
    assert accounts.authenticate("30001", password) is user


def test_duplicate_employee_number_is_refused(demo):
    with pytest.raises(DomainError) as refused:
        accounts.create_user(accounts.UserData(login="employee", name="重名"),
                             hash_method=TEST_HASH)
    assert refused.value.field == "login"


def test_only_supervisors_lead_departments(demo):
    with pytest.raises(DomainError):
        accounts.create_user(accounts.UserData(login="30002", name="甲",
                                               led_department_ids={_dept("前台").id}),
                             hash_method=TEST_HASH)


def test_the_last_active_administrator_cannot_be_removed(demo):
    admin = _user("admin")
    with pytest.raises(DomainError):
        accounts.update_user(admin, accounts.UserData(login="admin", name="管理员",
                                                      roles={"employee"}))
    other = _user("trainer")
    with pytest.raises(DomainError):
        accounts.set_active(admin, False, other)


def test_nobody_deactivates_themselves(demo):
    admin = _user("admin")
    with pytest.raises(DomainError):
        accounts.set_active(admin, False, admin)


def test_deactivated_users_keep_their_row_and_cannot_authenticate(demo):
    employee = _user("employee")
    accounts.set_active(employee, False, _user("admin"))
    assert accounts.authenticate("employee", "demo1234") is None
    assert db.session.scalar(select(func.count()).where(User.login == "employee")) == 1


def test_reset_password_issues_a_new_temporary_password(demo):
    employee = _user("employee")
    password = accounts.reset_password(employee, hash_method=TEST_HASH)
    assert employee.must_change_password
    assert accounts.authenticate("employee", "demo1234") is None
    assert accounts.authenticate("employee", password) is employee


@pytest.mark.parametrize("password", ["short1", "onlyletters", "12345678901", "employee"])
def test_weak_passwords_are_refused(demo, password):
    employee = _user("employee")
    with pytest.raises(DomainError):
        accounts.change_password(employee, "demo1234", password, password,
                                 hash_method=TEST_HASH)


@pytest.mark.parametrize("raw,stored", [("13800138000", "13800138000"),
                                        ("138 0013 8000", "13800138000"),
                                        ("+86 138-0013-8000", "13800138000"),
                                        ("１３８００１３８０００", "13800138000")])
def test_phone_numbers_are_normalised(raw, stored, app):
    from app.services.validation import clean_phone

    assert clean_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "23800138000", "1380013800a", "电话"])
def test_bad_phone_numbers_are_refused(raw, app):
    from app.services.validation import clean_phone

    with pytest.raises(DomainError):
        clean_phone(raw)


def test_seed_demo_is_idempotent(demo):
    from app.services.demo import seed_demo

    before = db.session.scalar(select(func.count(User.id)))
    seed_demo(TEST_HASH)
    db.session.commit()
    assert db.session.scalar(select(func.count(User.id))) == before
    assert db.session.scalar(select(func.count(Department.id))) == 12
