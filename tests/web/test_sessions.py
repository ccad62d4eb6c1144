"""Sessions: signing out ends this device's sign-in, copied cookies included; the account's
events end every device; remember cookies; where `next=` may lead (signed-in devices and
their list: test_devices.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_login.utils import encode_cookie

from app.config import load_settings
from app.extensions import db
from app.services import accounts
from app.web.forms import safe_next
from tests.conftest import DEMO_PASSWORD
from tests.helpers import user_by_login

REMEMBER = "remember_token"
SESSION = "session"


def signed_in(app, login="employee", remember=False):
    device = app.test_client()
    response = device.post("/auth/login", data={"login": login, "password": DEMO_PASSWORD,
                                                "remember": "y" if remember else ""})
    assert response.status_code == 302, "could not sign in"
    return device


def copy_of(app, device, cookie):
    """Another browser holding a copy of one cookie of `device`."""
    thief = app.test_client()
    thief.set_cookie(cookie, device.get_cookie(cookie).value)
    return thief


def gets_in(device) -> bool:
    response = device.get("/learn/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def sign_out(app, device):
    device.post("/auth/logout")


def sign_out_everywhere(app, device):
    assert device.post("/auth/sessions/end").location == "/auth/login"


def change_own_password(app, device):
    response = device.post("/auth/password", data={
        "current_password": DEMO_PASSWORD, "new_password": "Clinic2026a",
        "confirm_password": "Clinic2026a"})
    assert response.status_code == 302
    assert gets_in(device), "the device that changed the password stays signed in"


def admin_resets_password(app, device):
    admin = signed_in(app, "admin")
    employee = user_by_login("employee")
    page = admin.post(f"/admin/users/{employee.id}/reset-password")
    assert page.status_code == 200 and user_by_login("employee").must_change_password


def admin_deactivates(app, device):
    admin = signed_in(app, "admin")
    employee = user_by_login("employee")
    admin.post(f"/admin/users/{employee.id}/active", data={"active": "0"})
    assert not user_by_login("employee").active


@pytest.mark.parametrize("cookie", [SESSION, REMEMBER])
@pytest.mark.parametrize("event", [sign_out, sign_out_everywhere, change_own_password,
                                   admin_resets_password, admin_deactivates])
def test_a_copied_cookie_stops_working(app, demo, cookie, event):
    device = signed_in(app, remember=True)
    thief = copy_of(app, device, cookie)
    assert gets_in(thief)
    event(app, device)
    assert not gets_in(thief)


def test_signing_out_ends_this_device_only(app, demo):
    """退出登录 on the ward computer: its copied cookies die with it, the phone stays in."""
    phone, computer = signed_in(app, remember=True), signed_in(app, remember=True)
    copies = [copy_of(app, computer, SESSION), copy_of(app, computer, REMEMBER)]
    sign_out(app, computer)
    assert not gets_in(computer)
    assert not any(gets_in(copy) for copy in copies)
    assert gets_in(phone)
    assert gets_in(copy_of(app, phone, REMEMBER))


@pytest.mark.parametrize("event", [sign_out_everywhere, admin_resets_password,
                                   admin_deactivates])
def test_account_events_end_every_device(app, demo, event):
    phone, computer = signed_in(app, remember=True), signed_in(app)
    tomorrow = copy_of(app, phone, REMEMBER)  # the phone's browser closed and opened again
    event(app, computer)
    assert not gets_in(phone) and not gets_in(computer) and not gets_in(tomorrow)


def test_a_password_change_keeps_this_device_and_ends_the_others(app, demo):
    phone, computer = signed_in(app, remember=True), signed_in(app)
    old_cookie = copy_of(app, computer, SESSION)
    change_own_password(app, computer)
    assert gets_in(computer)
    assert not gets_in(phone) and not gets_in(old_cookie)


def test_sign_out_deletes_the_remember_cookie(app, demo):
    device = signed_in(app, remember=True)
    assert device.get_cookie(REMEMBER) is not None
    device.post("/auth/logout")
    assert device.get_cookie(REMEMBER) is None
    assert device.get("/learn/").location.startswith("/auth/login")


def test_after_a_password_change_the_remembered_device_stays_remembered(app, demo):
    device = signed_in(app, remember=True)
    change_own_password(app, device)
    tomorrow = copy_of(app, device, REMEMBER)  # the browser closed: the remember cookie only
    assert gets_in(tomorrow)


def test_an_ended_remember_cookie_is_deleted(app, demo):
    device = signed_in(app, remember=True)
    thief = copy_of(app, device, REMEMBER)
    sign_out(app, device)
    assert not gets_in(thief)
    assert thief.get_cookie(REMEMBER) is None


@pytest.mark.parametrize("old_id", ["{id}", "{id}:{version}"])
def test_cookies_from_before_devices_are_signed_out(app, demo, old_id):
    """A session or remember cookie holding the plain user id (before session versions) or
    "<id>:<version>" (before signed-in devices): signed out, no error."""
    employee = user_by_login("employee")
    old = old_id.format(id=employee.id, version=employee.session_version)
    old_session = app.test_client()
    with old_session.session_transaction() as session:
        session["_user_id"], session["_fresh"] = old, True
    assert not gets_in(old_session)
    old_remember = app.test_client()
    old_remember.set_cookie(REMEMBER, encode_cookie(old))
    assert not gets_in(old_remember)
    assert old_remember.get_cookie(REMEMBER) is None


def test_malformed_sign_in_ids_are_signed_out(app, demo):
    employee_id = user_by_login("employee").id
    token = "a" * 43
    for junk in ("1:x", ":1", "²:1", "99999999999999999999:1", f"{employee_id}:1:1",
                 f"{employee_id}:1:", f"{employee_id}:99999999999999999999:{token}",
                 f"{employee_id}:1:{token}", f"{employee_id}:1:{token}:1",
                 f"{employee_id}:1:{'é' * 43}"):
        device = app.test_client()
        with device.session_transaction() as session:
            session["_user_id"] = junk
        assert not gets_in(device), junk


def test_reactivating_an_account_does_not_bring_old_sessions_back(app, demo):
    device = signed_in(app)
    thief = copy_of(app, device, SESSION)
    admin_deactivates(app, device)
    employee = user_by_login("employee")
    signed_in(app, "admin").post(f"/admin/users/{employee.id}/active", data={"active": "1"})
    assert user_by_login("employee").active
    assert not gets_in(thief) and not gets_in(device)
    assert gets_in(signed_in(app))


def test_remember_cookie_lasts_30_days_by_default(app, demo, monkeypatch):
    device = signed_in(app, remember=True)
    expires = device.get_cookie(REMEMBER).expires
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)
    monkeypatch.setenv("REMEMBER_DAYS", "7")
    assert load_settings("/tmp")["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)
    for bad in ("0", "seven", "-3", "99999"):
        monkeypatch.setenv("REMEMBER_DAYS", bad)
        with pytest.raises(ValueError, match="REMEMBER_DAYS"):
            load_settings("/tmp")


def test_profile_offers_sign_out_on_all_devices(client, auth, demo):
    auth.as_role("employee")
    page = client.get("/auth/profile").text
    assert "退出所有设备" in page and 'action="/auth/sessions/end"' in page
    assert "data-confirm" in page


UNSAFE_TARGETS = [
    "/learn/\r\nSet-Cookie:x=1", "/learn/\x00", "/learn/\t", "/\t/evil.example",
    "/learn/\x7f", "/learn/\x85", "/learn/\u2028", "/\\evil.example", "/\\/evil.example",
    "//evil.example", "///evil.example", "https://evil.example/", "javascript:alert(1)",
    "learn/", "http:/evil.example", "/learn/" + "a" * 3000, "",
]


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_safe_next_refuses_what_could_leave_the_site_or_break_the_header(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/team/", "/learn/courses/x?tab=2#top", "/learn/%0d%0a",
                                    "/learn/课程", "/learn/?next=//evil"])
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target, "/home") == target


def test_sign_in_with_a_poisoned_next_lands_on_the_home_page(client, demo):
    for target in ("/learn/\r\nSet-Cookie:x=1", "/\x00", "/\\evil.example", "/\t/evil.example"):
        response = client.post("/auth/login", data={"login": "supervisor",
                                                    "password": DEMO_PASSWORD, "next": target})
        assert response.status_code == 302 and response.location == "/", repr(target)
        assert "x=1" not in response.headers.get("Set-Cookie", "")
        client.post("/auth/logout")
    page = client.get("/auth/login?next=/learn/%0d%0aSet-Cookie:x")
    assert page.status_code == 200
    response = client.post("/auth/login?next=/learn/%0d%0aSet-Cookie:x", data={
        "login": "supervisor", "password": DEMO_PASSWORD, "next": "/learn/\r\nSet-Cookie:x"})
    assert response.location == "/"


def test_language_switch_with_a_poisoned_next_goes_home(client, demo):
    for target in ("/learn/\r\nX: y", "//evil.example", "/\\evil.example"):
        response = client.post("/auth/language", data={"lang": "en", "next": target})
        assert response.status_code == 302 and response.location == "/", repr(target)


def test_a_role_change_takes_effect_at_once_without_signing_out(app, demo):
    """Roles are read on every request: taking one away needs no sign-out (docs/security.md)."""
    device = signed_in(app, "supervisor")
    assert device.get("/team/").status_code == 200
    supervisor = user_by_login("supervisor")
    accounts.update_user(supervisor, accounts.UserData(
        login=supervisor.login, name=supervisor.name, department_id=supervisor.department_id,
        position_id=supervisor.position_id, roles={"employee"}))
    db.session.commit()
    assert device.get("/team/").status_code == 403
    assert gets_in(device)
