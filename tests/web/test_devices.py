"""Signed-in devices: the list on 我的账号, signing out another device from it, the remember
cookie on its own, last_seen_at written rarely, `flask signins prune`, device names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models.base import utcnow
from app.models.sign_ins import UserSession
from app.services import devices
from app.services.device_names import device_name
from tests.conftest import DEMO_PASSWORD
from tests.helpers import user_by_login

REMEMBER = "remember_token"
IPHONE_WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) "
                 "NetType/WIFI Language/zh_CN")
ANDROID_WECOM = ("Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/107.0 Mobile Safari/537.36 wxwork/4.1.16 MicroMessenger/7.0.1")
WINDOWS_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")


def signed_in(app, login="employee", remember=False, agent=WINDOWS_CHROME,
              address="10.0.0.1"):
    device = app.test_client()
    device.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = device.post("/auth/login", data={"login": login, "password": DEMO_PASSWORD,
                                                "remember": "y" if remember else ""})
    assert response.status_code == 302, "could not sign in"
    return device


def gets_in(device) -> bool:
    response = device.get("/learn/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def devices_of(login: str) -> list[UserSession]:
    db.session.expire_all()
    user = user_by_login(login)
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                   .order_by(UserSession.id)))


def test_the_profile_lists_the_signed_in_devices(app, demo):
    signed_in(app, agent=IPHONE_WECHAT, address="10.1.2.3", remember=True)
    signed_in(app, agent=ANDROID_WECOM, address="10.1.2.4")
    computer = signed_in(app, address="10.1.2.5")
    signed_in(app, "supervisor", agent=IPHONE_WECHAT, address="10.9.9.9")
    signed_out = signed_in(app, agent=ANDROID_WECOM, address="10.1.2.6")
    signed_out.post("/auth/logout")
    page = computer.get("/auth/profile").text
    assert page.count('data-testid="device-row"') == 3
    assert "微信 · iPhone" in page and "企业微信 · Android" in page
    assert "Chrome · Windows" in page
    assert "10.1.2.3" in page and "10.1.2.4" in page and "10.1.2.5" in page
    assert "10.9.9.9" not in page and "10.1.2.6" not in page  # another's; signed out
    assert page.count('data-testid="this-device"') == 1 and "本设备" in page
    assert page.count('data-testid="end-device"') == 2  # not on this device
    this_row = page.split('data-testid="device-row"')[1]  # the most recently used first
    assert "本设备" in this_row and "10.1.2.5" in this_row


def test_last_used_is_shown_in_china_time(app, demo):
    computer = signed_in(app)
    [row] = devices_of("employee")
    seen = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=5)
    db.session.execute(update(UserSession).where(UserSession.id == row.id)
                       .values(last_seen_at=seen))
    db.session.commit()
    page = computer.get("/auth/profile").text
    assert (seen + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M") in page


def test_signing_out_another_device_from_the_list(app, demo):
    phone = signed_in(app, agent=IPHONE_WECHAT, remember=True)
    tomorrow = app.test_client()
    tomorrow.set_cookie(REMEMBER, phone.get_cookie(REMEMBER).value)
    computer = signed_in(app)
    phone_row, computer_row = devices_of("employee")
    response = computer.post(f"/auth/devices/{phone_row.id}/end")
    assert response.status_code == 302 and response.location == "/auth/profile"
    assert "已退出该设备" in computer.get("/auth/profile").text
    assert not gets_in(phone) and not gets_in(tomorrow)
    assert gets_in(computer)
    assert computer.get("/auth/profile").text.count('data-testid="device-row"') == 1


def test_another_persons_device_is_not_found(app, demo):
    phone = signed_in(app)
    [phone_row] = devices_of("employee")
    supervisor = signed_in(app, "supervisor")
    assert supervisor.post(f"/auth/devices/{phone_row.id}/end").status_code == 404
    assert supervisor.post("/auth/devices/2147483647/end").status_code == 404
    assert gets_in(phone)


def test_ending_this_device_from_the_list_signs_it_out(app, demo):
    computer = signed_in(app)
    [row] = devices_of("employee")
    assert computer.post(f"/auth/devices/{row.id}/end").location == "/auth/login"
    assert not gets_in(computer)


def test_the_remember_cookie_alone_signs_the_device_in_again(app, demo):
    device = signed_in(app, remember=True)
    browser_reopened = app.test_client()  # the session cookie is gone with the browser
    browser_reopened.set_cookie(REMEMBER, device.get_cookie(REMEMBER).value)
    assert gets_in(browser_reopened)
    assert len(devices_of("employee")) == 1  # the same device, not a new one
    assert signed_in(app).get_cookie(REMEMBER) is None  # not ticked: no remember cookie


def test_a_remembered_sign_in_ends_after_remember_days(app, demo):
    device = signed_in(app, remember=True)
    [row] = devices_of("employee")
    db.session.execute(update(UserSession).where(UserSession.id == row.id)
                       .values(created_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert not gets_in(device)


def test_last_seen_is_written_at_most_every_ten_minutes(app, demo, count_statements):
    device = signed_in(app)
    [row] = devices_of("employee")
    assert gets_in(device)
    with count_statements() as fresh:
        assert gets_in(device)
    assert devices_of("employee")[0].last_seen_at == row.last_seen_at  # nothing written
    stale = utcnow() - timedelta(minutes=11)
    db.session.execute(update(UserSession).where(UserSession.id == row.id)
                       .values(last_seen_at=stale))
    db.session.commit()
    with count_statements() as touched:
        assert gets_in(device)
    assert touched() == fresh() + 1  # the one conditional UPDATE
    assert devices_of("employee")[0].last_seen_at > utcnow() - timedelta(minutes=1)
    with count_statements() as again:
        assert gets_in(device)
    assert again() == fresh()


def test_a_sign_in_not_remembered_ends_after_session_hours_unused(app, demo):
    device = signed_in(app)
    [row] = devices_of("employee")
    db.session.execute(update(UserSession).where(UserSession.id == row.id)
                       .values(last_seen_at=utcnow() - timedelta(hours=13)))
    db.session.commit()
    assert not gets_in(device)


def test_prune_deletes_ended_and_expired_sign_ins(app, demo, runner):
    now = utcnow()
    kept = [signed_in(app, remember=True), signed_in(app)]
    signed_in(app).post("/auth/logout")  # ended
    signed_in(app, remember=True)
    signed_in(app)
    rows = devices_of("employee")
    old_remembered, idle = rows[3], rows[4]
    db.session.execute(update(UserSession).where(UserSession.id == old_remembered.id)
                       .values(created_at=now - timedelta(days=31)))
    db.session.execute(update(UserSession).where(UserSession.id == idle.id)
                       .values(last_seen_at=now - timedelta(hours=13)))
    db.session.commit()
    result = runner.invoke(args=["signins", "prune"])
    assert result.exit_code == 0, result.output
    assert "3" in result.output.splitlines()[-1]
    assert [row.id for row in devices_of("employee")] == [rows[0].id, rows[1].id]
    assert all(gets_in(device) for device in kept)


def test_one_statement_finds_the_user_and_the_device(app, demo, count_statements):
    device = signed_in(app)
    [row] = devices_of("employee")
    user = user_by_login("employee")
    user_id, version, row_id = user.id, user.session_version, row.id
    assert gets_in(device)
    raw = "x" * 43  # the cookie's token is not readable here: give the row a known one
    db.session.execute(update(UserSession).where(UserSession.id == row_id)
                       .values(token_hash=devices.token_hash(raw)))
    db.session.commit()
    db.session.expunge_all()
    lifetimes = devices.Lifetimes()
    with count_statements() as counted:
        found = devices.find(user_id, version, raw, utcnow(), lifetimes)
    assert found is not None and found[1].id == row_id
    assert counted() == 1  # users ⋈ user_sessions ⟕ user_roles
    assert found[0].roles == {"employee"} and counted() == 1  # the roles came with it
    assert devices.find(user_id, version + 1, raw, utcnow(), lifetimes) is None


@pytest.mark.parametrize("agent,name", [
    (IPHONE_WECHAT, "微信 · iPhone"),
    (ANDROID_WECOM, "企业微信 · Android"),
    (WINDOWS_CHROME, "Chrome · Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Safari/605.1.15", "Safari · macOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0 Safari/537.36 Edg/120.0", "Edge · Windows"),
    ("curl/8.4.0", "未知设备"),
    ("", "未知设备"),
])
def test_device_names(app, agent, name):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert device_name(agent) == name
