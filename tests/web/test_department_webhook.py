"""The department form's WeCom group robot: an https address or nothing; shown masked."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Department
from tests.learning_factories import department

URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa"


def _form(dept: Department, **data) -> dict:
    return {"hospital_id": dept.hospital_id, "parent_id": dept.parent_id or 0,
            "name": dept.name, "sort_order": dept.sort_order, **data}


def test_an_https_webhook_is_saved_and_shown_masked(client, auth, demo):
    auth.as_role("admin")
    dept = department("会员部")
    response = client.post(f"/admin/departments/{dept.id}/edit",
                           data=_form(dept, wecom_webhook_url=URL))
    assert response.status_code == 302
    assert department("会员部").wecom_webhook_url == URL
    page = client.get("/admin/departments").text
    assert "…5aaa" in page and "693a91f6" not in page
    client.post(f"/admin/departments/{dept.id}/edit", data=_form(dept, name="会员中心"))
    assert db.session.get(Department, dept.id).wecom_webhook_url == URL  # field absent: kept
    client.post(f"/admin/departments/{dept.id}/edit",
                data=_form(dept, name="会员中心", wecom_webhook_url=""))
    assert db.session.get(Department, dept.id).wecom_webhook_url is None  # emptied: removed


@pytest.mark.parametrize("bad", ["http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
                                 "javascript:alert(1)", "qyapi.weixin.qq.com/send?key=1"])
def test_anything_but_an_https_address_is_refused(client, auth, demo, bad):
    auth.as_role("admin")
    dept = department("会员部")
    page = client.post(f"/admin/departments/{dept.id}/edit",
                       data=_form(dept, wecom_webhook_url=bad))
    assert page.status_code == 200
    assert re.search(r'class="form-error">[^<]*https://', page.text)
    assert db.session.scalar(select(Department.wecom_webhook_url).where(
        Department.id == dept.id)) is None
