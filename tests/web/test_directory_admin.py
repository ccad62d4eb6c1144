"""系统管理 → 通讯录同步 against the fake WeCom and DingTalk: preview and sync buttons with the
report in Chinese, top-level departments mapped to an existing 院区, unknown 职务 mapped to a
岗位, the userid upload, and a provider that cannot be reached (a sentence, never a 500)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Department, Hospital, Position, User
from tests.directory_scenarios import Directory, fake_of
from tests.helpers import csv_bytes

pytestmark = pytest.mark.parametrize("provider", ["wecom", "dingtalk"])


@pytest.fixture
def org(app, demo, provider):
    with fake_of(provider) as fake:
        app.config.update(fake.settings())
        directory = Directory(fake)
        directory.member("zhang", "张三", 3, "咨询师", leader=True)
        directory.member("li", "李四", 4, "美学设计师")
        yield directory


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_page_offers_both_providers_and_their_buttons(client, auth, org):
    auth.as_role("admin")
    page = client.get("/admin/directory")
    assert page.status_code == 200 and "通讯录同步" in page.text
    assert f'data-testid="sync-{org.name}"' in page.text and "预览" in page.text
    assert "北京院区" in page.text and "上海院区" in page.text  # the top-level departments
    other = "dingtalk" if org.wecom else "wecom"
    assert f'data-testid="sync-{other}"' not in page.text  # not configured here


def test_preview_reports_in_chinese_and_writes_nothing(client, auth, org):
    auth.as_role("admin")
    before = users()
    page = client.post(f"/admin/directory/{org.name}/sync", data={"dry_run": "1"})
    assert page.status_code == 200 and "预览" in page.text and "未写入" in page.text
    assert "新增 2" in page.text
    assert users() == before


def test_sync_now_writes_and_lists_unknown_positions_to_map(client, auth, org):
    auth.as_role("admin")
    page = client.post(f"/admin/directory/{org.name}/sync")
    assert page.status_code == 200 and "美学设计师" in page.text
    assert 'data-testid="unknown-positions"' in page.text
    li = db.session.scalar(select(User).where(User.login == "li"))
    assert li is not None and li.position_id is None
    designer = db.session.scalar(select(Position).where(Position.name == "咨询师"))
    client.post("/admin/directory/positions", data={"name": "美学设计师",
                                                   "position_id": designer.id})
    page = client.post(f"/admin/directory/{org.name}/sync")
    assert 'data-testid="unknown-positions"' not in page.text
    db.session.expire_all()
    assert db.session.get(User, li.id).position_id == designer.id


def test_a_top_level_department_mapped_to_an_existing_hospital(client, auth, org):
    auth.as_role("admin")
    main = db.session.scalar(select(Hospital).where(Hospital.name == "星河医疗美容医院"))
    response = client.post(f"/admin/directory/{org.name}/hospitals",
                           data={"department_id": "2", "hospital_id": main.id})
    assert response.status_code == 302
    client.post(f"/admin/directory/{org.name}/sync")
    consult = db.session.scalar(select(Department).where(Department.name == "咨询部"))
    assert consult.hospital_id == main.id
    assert db.session.scalar(select(Hospital).where(Hospital.name == "北京院区")) is None


def test_uploaded_userids_link_existing_accounts(client, auth, org):
    auth.as_role("admin")
    data = csv_bytes([["10007", "zhang"]], header=["工号", "userid"])
    page = client.post(f"/admin/directory/{org.name}/userids",
                       data={"file": (io.BytesIO(data), "ids.csv")})
    assert page.status_code == 200 and "关联 1" in page.text
    client.post(f"/admin/directory/{org.name}/sync")
    zhou = db.session.scalar(select(User).where(User.login == "10007"))
    assert zhou.name == "张三" and "supervisor" in zhou.roles
    assert db.session.scalar(select(User).where(User.login == "zhang")) is None


def test_a_wrong_userid_row_saves_nothing(client, auth, org):
    auth.as_role("admin")
    data = csv_bytes([["10007", "zhang"], ["nobody", "li"]], header=["工号", "userid"])
    page = client.post(f"/admin/directory/{org.name}/userids",
                       data={"file": (io.BytesIO(data), "ids.csv")})
    assert "没有工号为“nobody”的账号" in page.text and "未导入" in page.text
    column = getattr(User, f"{org.name}_userid")
    assert db.session.scalar(select(func.count()).where(column.is_not(None))) == 0


def test_an_unreachable_provider_is_a_chinese_sentence(client, auth, org):
    auth.as_role("admin")
    org.fake.down = True
    page = client.get("/admin/directory")
    assert page.status_code == 200 and "无法连接到服务器" in page.text
    page = client.post(f"/admin/directory/{org.name}/sync")
    assert page.status_code == 200 and "未写入" in page.text and "无法连接" in page.text


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_every_form_carries_a_csrf_token_and_a_post_without_one_is_refused(client, org):
    page = client.get("/auth/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/auth/login", data={"login": "admin", "password": "demo1234",
                                     "csrf_token": token})
    page = client.get("/admin/directory").text
    assert f'data-testid="sync-{org.name}"' in page  # signed in as the admin
    assert page.count("<form") == page.count('name="csrf_token"')
    before = users()
    refused = client.post(f"/admin/directory/{org.name}/sync")
    assert refused.status_code == 400 and users() == before
