"""The directory sync against the fake WeCom and DingTalk (each test runs for both):
departments → 院区 and their tree, members → people by userid, leaders → supervisors, leavers
deactivated and signed out, all or nothing, and a second run changes nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Department, Hospital, Position, PositionAlias, User
from app.models.sign_ins import UserSession
from app.services import accounts, locks
from tests.directory_scenarios import Directory, fake_of

pytestmark = pytest.mark.parametrize("provider", ["wecom", "dingtalk"])


@pytest.fixture
def directory(app, provider):
    with fake_of(provider) as fake:
        app.config.update(fake.settings())
        org = Directory(fake)
        db.session.add_all([Position(name="咨询师"), Position(name="前台")])
        db.session.commit()
        org.member("zhang", "张三", 3, "咨询师", leader=True)
        org.member("li", "李四", 4, "前台", hired="2025-03-01")
        org.member("wang", "王五", 6, "护士长")
        yield org


def sync(runner, org, *options) -> tuple[int, dict]:
    result = runner.invoke(args=[org.name, "sync", "--json", *options])
    return result.exit_code, json.loads(result.output)


def person(org, userid) -> User | None:
    db.session.expire_all()
    column = getattr(User, f"{org.name}_userid")
    return db.session.scalar(select(User).where(column == userid))


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Hospital, Department, User))


def test_first_sync_builds_the_tree_and_people_second_changes_nothing(runner, directory):
    status, report = sync(runner, directory)
    assert status == 0 and report["errors"] == [] and report["dry_run"] is False
    assert report["departments"] == {"created": 5, "updated": 0, "unchanged": 0}
    assert report["users"] == {"created": 3, "updated": 0, "deactivated": 0, "unchanged": 0}
    beijing = db.session.scalar(select(Hospital).where(Hospital.name == "北京院区"))
    front = db.session.scalar(select(Department).where(Department.name == "前台组"))
    assert front.hospital_id == beijing.id and front.parent.name == "咨询部"
    li = person(directory, "li")
    assert li.login == "li" and li.name == "李四" and li.department_id == front.id
    assert li.position.name == "前台" and li.active and not li.must_change_password
    assert li.email is None and li.phone is None
    stamps = last_writes()
    status, again = sync(runner, directory)
    assert status == 0 and again["departments"] == {"created": 0, "updated": 0, "unchanged": 5}
    assert again["users"] == {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 3}
    assert last_writes() == stamps  # nothing was written


def last_writes() -> tuple:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.max(model.updated_at)))
                 for model in (Hospital, Department, User))


def test_dingtalk_hire_date_is_taken(runner, directory):
    sync(runner, directory)
    li = person(directory, "li")
    if directory.wecom:  # WeCom's API has no hire date: the account's creation day
        assert li.hire_date == li.created_at.date()
    else:
        assert li.hire_date == date(2025, 3, 1)


def test_a_top_level_department_mapped_to_an_existing_hospital(runner, directory):
    mapped = Hospital(name="北京朝阳院区")
    setattr(mapped, f"{directory.name}_department_id", "2")
    same_name = Hospital(name="上海院区")
    db.session.add_all([mapped, same_name])
    db.session.commit()
    status, report = sync(runner, directory)
    assert status == 0 and report["departments"]["created"] == 3  # 咨询部, 前台组, 护理部
    names = set(db.session.scalars(select(Hospital.name)))
    assert names == {"北京朝阳院区", "上海院区"}  # no 北京院区: the admin's mapping holds
    consult = db.session.scalar(select(Department).where(Department.name == "咨询部"))
    assert consult.hospital_id == mapped.id and consult.parent_id is None
    nursing = db.session.scalar(select(Department).where(Department.name == "护理部"))
    assert nursing.hospital.name == "上海院区"


def test_renames_and_moves_are_updates(runner, directory):
    sync(runner, directory)
    directory.department(4, "接待组", 2)  # renamed, and moved up under 北京院区
    status, report = sync(runner, directory)
    assert report["departments"] == {"created": 0, "updated": 1, "unchanged": 4}
    front = db.session.scalar(select(Department).where(Department.name == "接待组"))
    assert front.parent_id is None and front.hospital.name == "北京院区"
    assert person(directory, "li").department_id == front.id


def test_first_sync_matches_people_by_employee_number(runner, directory):
    existing, _password = accounts.create_user(
        accounts.UserData(login="zhang", name="张老师"), hash_method="pbkdf2:sha256:1000")
    old_hash = existing.password_hash
    db.session.commit()
    status, report = sync(runner, directory)
    assert report["users"]["created"] == 2 and report["users"]["updated"] == 1
    zhang = person(directory, "zhang")
    assert zhang.id == existing.id and zhang.name == "张三" and zhang.password_hash == old_hash


def test_a_department_leader_becomes_its_supervisor(runner, directory):
    sync(runner, directory)
    zhang = person(directory, "zhang")
    assert "supervisor" in zhang.roles
    assert [d.name for d in zhang.led_departments] == ["咨询部"]
    assert "supervisor" not in person(directory, "li").roles
    directory.member("zhang", "张三", 3, "咨询师", leader=False)
    sync(runner, directory)
    zhang = person(directory, "zhang")
    assert zhang.led_departments == [] and "supervisor" not in zhang.roles


def test_a_leader_named_on_the_department_becomes_its_supervisor(runner, directory):
    directory.name_leader("wang", 6)
    sync(runner, directory)
    wang = person(directory, "wang")
    assert "supervisor" in wang.roles and [d.name for d in wang.led_departments] == ["护理部"]


def test_the_last_administrator_leaving_stops_the_sync(runner, directory):
    sync(runner, directory)
    zhang = person(directory, "zhang")
    accounts.update_user(zhang, accounts.UserData(
        login="zhang", name="张三", department_id=zhang.department_id,
        position_id=zhang.position_id, roles={"admin", "supervisor"},
        led_department_ids={d.id for d in zhang.led_departments}))
    db.session.commit()
    directory.leave("zhang")
    directory.disable("li")
    status, report = sync(runner, directory)
    assert status == 1 and report["errors"][0]["userid"] == "zhang"
    assert person(directory, "zhang").active and person(directory, "li").active


def test_an_unconfigured_provider_is_said_so(app, runner, directory):
    app.config.update({"WECOM_SECRET": "", "DINGTALK_APP_SECRET": ""})
    result = runner.invoke(args=[directory.name, "sync"])
    assert result.exit_code == 2 and "docs/wecom.md" in result.output
    assert counts() == (0, 0, 0)


def test_a_leaver_and_a_disabled_member_are_deactivated_and_signed_out(runner, directory):
    sync(runner, directory)
    li = person(directory, "li")
    db.session.add(UserSession(user_id=li.id, token_hash="x" * 64, method="wecom"))
    version = li.session_version
    db.session.commit()
    directory.leave("li")
    directory.disable("wang")
    status, report = sync(runner, directory)
    assert status == 0 and report["users"]["deactivated"] == 2
    li = person(directory, "li")
    assert not li.active and li.session_version == version + 1
    assert db.session.scalar(select(UserSession.ended_at)) is not None
    assert not person(directory, "wang").active
    assert li.department_id is not None  # history kept: the account stays as it was
    status, again = sync(runner, directory)
    assert again["users"] == {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 3}


def test_an_unknown_position_is_listed_and_an_alias_maps_it(runner, directory):
    status, report = sync(runner, directory)
    assert status == 0 and report["unknown_positions"] == ["护士长"]
    assert person(directory, "wang").position_id is None
    head_nurse = Position(name="护理主管")
    db.session.add(head_nurse)
    db.session.flush()
    db.session.add(PositionAlias(name="护士长", position_id=head_nurse.id))
    db.session.commit()
    status, report = sync(runner, directory)
    assert report["unknown_positions"] == [] and report["users"]["updated"] == 1
    assert person(directory, "wang").position.name == "护理主管"


def test_a_dry_run_writes_nothing(runner, directory):
    status, report = sync(runner, directory, "--dry-run")
    assert status == 0 and report["dry_run"] is True
    assert report["users"]["created"] == 3
    assert counts() == (0, 0, 0)


def test_a_provider_error_midway_writes_nothing(runner, directory):
    directory.fake.fail_on.add("li")
    status, report = sync(runner, directory)
    assert status == 1 and report["errors"][0]["userid"] == "li"
    assert "60011" in report["errors"][0]["message"]
    assert counts() == (0, 0, 0)


def test_an_unusable_userid_stops_the_sync_and_writes_nothing(runner, directory):
    directory.member("bad userid!", "赵六", 3)
    status, report = sync(runner, directory)
    assert status == 1 and report["errors"][0]["userid"] == "bad userid!"
    assert counts() == (0, 0, 0)


def test_an_unreachable_provider_is_a_sentence(runner, directory):
    directory.fake.down = True
    result = runner.invoke(args=[directory.name, "sync"])
    assert result.exit_code == 1 and "HTTP 502" in result.output
    assert counts() == (0, 0, 0)


def test_another_sync_running_exits_75(runner, directory):
    token = locks.acquire(f"directory-sync:{directory.name}")
    try:
        result = runner.invoke(args=[directory.name, "sync", "--json"])
    finally:
        locks.release(f"directory-sync:{directory.name}", token)
    assert result.exit_code == 75 and "error" in json.loads(result.output)
    assert counts() == (0, 0, 0)


def test_members_are_read_through_every_page_and_department(runner, directory):
    directory.fake.page_size = 1  # WeCom: one member a page, followed through next_cursor
    status, report = sync(runner, directory)
    assert status == 0 and report["users"]["created"] == 3
    listed = [c for c in directory.fake.calls if c in ("/cgi-bin/user/list_id",
                                                       "/topapi/user/listid")]
    assert len(listed) == (3 if directory.wecom else 6)  # 3 pages / root + 5 departments
