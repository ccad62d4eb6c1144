"""The per-account sign-in lock, seen from the sign-in page: it does not depend on the
address, refuses even the right password, says when to try again, looks the same for an
unknown 工号, tells the owner and the admins once, and an admin can lift it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification, User, UserRole
from app.models.sign_ins import SignInEvent
from tests.conftest import DEMO_PASSWORD

LOCK_WORDS = "账号已被暂时锁定"
WRONG_WORDS = "工号或密码错误"


def _sign_in(app, login, password="bad-password9", address="10.0.0.1", agent="TestBrowser/1"):
    """A sign-in from its own device (new cookie jar) and address."""
    client = app.test_client()
    response = client.post("/auth/login", data={"login": login, "password": password},
                           environ_base={"REMOTE_ADDR": address},
                           headers={"User-Agent": agent})
    return client, response


def _fail_times(app, login, times, first_address=1):
    return [_sign_in(app, login, address=f"10.0.1.{first_address + n}")[1]
            for n in range(times)]


def test_five_failures_from_five_addresses_lock_the_account_even_for_the_right_password(
        app, demo):
    pages = _fail_times(app, "employee", 5)
    assert all(page.status_code == 200 for page in pages)
    assert WRONG_WORDS in pages[3].text and LOCK_WORDS not in pages[3].text
    assert LOCK_WORDS in pages[4].text  # the failure that locked it says so
    client, refused = _sign_in(app, "employee", DEMO_PASSWORD, address="192.168.9.9")
    assert refused.status_code == 200
    assert LOCK_WORDS in refused.text
    assert re.search(r"请在 \d{4}-\d\d-\d\d \d\d:\d\d 之后再试", refused.text)
    assert client.get("/learn/").status_code == 302  # not signed in


def test_an_unknown_employee_number_gets_the_same_answers(app, demo):
    known = [page.text for page in _fail_times(app, "employee", 6)]
    unknown = [page.text for page in _fail_times(app, "no-such-99", 6, first_address=50)]
    for mine, theirs in zip(known, unknown, strict=True):
        assert (WRONG_WORDS in mine) == (WRONG_WORDS in theirs)
        assert (LOCK_WORDS in mine) == (LOCK_WORDS in theirs)
    assert LOCK_WORDS in unknown[-1]


def test_a_successful_sign_in_starts_the_run_of_failures_again(app, demo):
    _fail_times(app, "employee", 4)
    assert _sign_in(app, "employee", DEMO_PASSWORD)[1].status_code == 302
    pages = _fail_times(app, "employee", 4, first_address=20)
    assert not any(LOCK_WORDS in page.text for page in pages)
    assert _sign_in(app, "employee", DEMO_PASSWORD)[1].status_code == 302


def _employee_id() -> int:
    return db.session.scalar(select(User.id).where(User.login == "employee"))


def test_an_admin_sees_the_lock_and_unlocks_the_account(app, client, auth, demo):
    _fail_times(app, "employee", 5)
    auth.as_role("admin")
    page = client.get(f"/admin/users/{_employee_id()}/edit")
    assert 'data-testid="account-locked"' in page.text and 'data-testid="unlock"' in page.text
    done = client.post(f"/admin/users/{_employee_id()}/unlock", follow_redirects=True)
    assert "已解锁" in done.text and 'data-testid="account-locked"' not in done.text
    assert _sign_in(app, "employee", DEMO_PASSWORD)[1].status_code == 302


def test_a_password_reset_unlocks_the_account(app, client, auth, demo):
    _fail_times(app, "employee", 5)
    auth.as_role("admin")
    issued = client.post(f"/admin/users/{_employee_id()}/reset-password")
    password = re.search(r'data-testid="temp-password">([A-Za-z0-9]+)<', issued.text)
    assert password, "the issued password is shown"
    assert _sign_in(app, "employee", password.group(1))[1].status_code == 302


def test_owner_and_admins_are_told_once_per_lock(app, demo):
    _fail_times(app, "employee", 5)
    _fail_times(app, "employee", 3, first_address=30)  # refused while locked: no new notice
    _sign_in(app, "employee", DEMO_PASSWORD)
    employee = _employee_id()
    kinds = db.session.execute(select(Notification.user_id, Notification.kind)).all()
    assert [k for u, k in kinds if u == employee] == ["account_locked"]
    admins = set(db.session.scalars(select(User.id).join(UserRole).where(
        UserRole.role == "admin", User.active.is_(True))))
    admin_notices = [u for u, k in kinds if k == "account_locked_admin"]
    assert admins and sorted(admin_notices) == sorted(admins)


def test_the_owner_and_the_admin_read_the_notice(app, client, auth, demo):
    _fail_times(app, "employee", 5)
    auth.as_role("admin")
    page = client.get("/notifications/")
    assert "账号 employee" in page.text and "已被锁定至" in page.text


@pytest.mark.parametrize("app", [{"LOGIN_LOCK_THRESHOLD": 3}], indirect=True)
def test_the_threshold_is_a_setting(app, demo):
    pages = _fail_times(app, "employee", 3)
    assert LOCK_WORDS in pages[2].text


def test_every_attempt_is_logged_with_its_outcome_address_and_browser(app, demo):
    _sign_in(app, "employee", DEMO_PASSWORD, address="10.9.0.1", agent="Firefox/120 " + "x" * 300)
    _sign_in(app, "employee", "bad-password9", address="10.9.0.2")
    _sign_in(app, "nobody-here", "bad-password9", address="10.9.0.3")
    trainer = db.session.scalar(select(User).where(User.login == "trainer"))
    trainer.active = False
    db.session.commit()
    _sign_in(app, "trainer", DEMO_PASSWORD, address="10.9.0.4")
    _fail_times(app, "supervisor", 5)
    _sign_in(app, "supervisor", DEMO_PASSWORD, address="10.9.0.5")
    signed_in, _response = _sign_in(app, "admin", DEMO_PASSWORD, address="10.9.0.6")
    signed_in.post("/auth/logout", environ_base={"REMOTE_ADDR": "10.9.0.6"})
    rows = db.session.execute(select(SignInEvent.login, SignInEvent.outcome,
                                     SignInEvent.address, SignInEvent.user_agent,
                                     SignInEvent.user_id).order_by(SignInEvent.id)).all()
    outcomes = [(r.login, r.outcome, r.address) for r in rows]
    assert outcomes[:4] == [("employee", "success", "10.9.0.1"),
                            ("employee", "wrong_password", "10.9.0.2"),
                            ("nobody-here", "unknown_account", "10.9.0.3"),
                            ("trainer", "deactivated", "10.9.0.4")]
    assert [o for _l, o, _a in outcomes[4:]] == ["wrong_password"] * 5 + [
        "locked", "success", "signed_out"]
    assert rows[0].user_agent.startswith("Firefox/120") and len(rows[0].user_agent) == 200
    assert rows[2].user_id is None and rows[0].user_id == _employee_id()
