"""The admins' sign-in log (系统管理 › 登录日志): newest first, filters, pages, downloads;
nobody else opens it; old rows are pruned by a command."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models.sign_ins import SignInEvent
from app.services import sign_in
from tests.learning_factories import person

# 2026-03-02 01:30 UTC is 09:30 in China; 2026-03-01 20:00 UTC is already 03-02 04:00 there
MORNING = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _event(login, outcome, at, address="10.1.1.1", user=None):
    sign_in.log(login, user, sign_in.Client(address, "Chrome/120"), outcome, at)


def _history():
    employee = person("employee")
    _event("employee", "success", MORNING, user=employee)
    _event("employee", "wrong_password", MORNING + timedelta(minutes=1), user=employee)
    _event("ghost-1", "unknown_account", MORNING + timedelta(minutes=2))
    _event("=cmd|calc", "unknown_account", datetime(2026, 3, 1, 15, 0, tzinfo=UTC))  # 23:00
    _event("trainer", "success", datetime(2026, 3, 1, 20, 0, tzinfo=UTC), user=person("trainer"))
    db.session.commit()


def _rows(page: str) -> list[str]:
    return page.split('data-testid="sign-in-event"')[1:]


def test_the_log_lists_every_attempt_newest_first_with_the_account(client, auth, demo):
    _history()
    auth.as_role("admin")
    page = client.get("/admin/sign-ins").text
    rows = _rows(page)
    assert 'data-outcome="success"' in rows[0] and "admin" in rows[0]  # the admin's own
    assert "ghost-1" in rows[1] and "账号不存在" in rows[1]
    assert "密码错误" in rows[2] and "10.1.1.1" in rows[2] and "Chrome/120" in rows[2]
    assert "2026-03-02 09:31" in rows[2]  # China time
    assert "登录日志" in page  # in the admin navigation


def test_filters_by_account_outcome_and_days_in_china_time(client, auth, demo):
    _history()
    auth.as_role("admin")
    mine = _rows(client.get("/admin/sign-ins?account=employ").text)
    assert len(mine) == 2
    by_name = _rows(client.get(f"/admin/sign-ins?account={person('trainer').name}").text)
    assert len(by_name) == 1
    unknown = _rows(client.get("/admin/sign-ins?outcome=unknown_account").text)
    assert len(unknown) == 2
    day = _rows(client.get("/admin/sign-ins?from=2026-03-02&to=2026-03-02").text)
    assert len(day) == 4  # the trainer's 04:00 China time counts on 03-02; 23:00 on 03-01
    assert not any("cmd" in row for row in day)


def test_a_bad_date_is_a_message_not_an_error(client, auth, demo):
    _history()
    auth.as_role("admin")
    page = client.get("/admin/sign-ins?from=2026-13-40&to=x")
    assert page.status_code == 200 and "不是 2026-03-01 这样的日期" in page.text
    backwards = client.get("/admin/sign-ins?from=2026-03-05&to=2026-03-01").text
    assert "开始日期晚于结束日期" in backwards and not _rows(backwards)


def test_the_log_is_paged(client, auth, demo):
    for n in range(55):
        _event(f"p-{n:02d}", "unknown_account", MORNING + timedelta(seconds=n))
    db.session.commit()
    auth.as_role("admin")
    first = client.get("/admin/sign-ins?outcome=unknown_account").text
    second = client.get("/admin/sign-ins?outcome=unknown_account&page=2").text
    assert len(_rows(first)) == 50 and "p-54" in _rows(first)[0]
    assert len(_rows(second)) == 5 and "p-00" in _rows(second)[-1]


def test_downloads_follow_the_filters(client, auth, demo):
    _history()
    auth.as_role("admin")
    csv = client.get("/admin/sign-ins/export?format=csv&outcome=unknown_account")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:5] == ["时间", "输入的工号", "账号", "姓名", "结果"]
    assert len(lines) == 3 and "ghost-1" in lines[1] and "'=cmd|calc" in lines[2]
    xlsx = client.get("/admin/sign-ins/export?format=xlsx&account=employee")
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == ["密码错误", "登录成功"]
    assert rows[1][0] == datetime(2026, 3, 2, 9, 31) and rows[1][2] == "employee"
    assert client.get("/admin/sign-ins/export?format=pdf").status_code == 400


def test_only_admins_read_the_log(app, demo):
    for role in ("employee", "supervisor", "trainer"):
        other = app.test_client()
        other.post("/auth/login", data={"login": role, "password": "demo1234"})
        assert other.get("/admin/sign-ins").status_code == 403
        assert other.get("/admin/sign-ins/export?format=csv").status_code == 403


def test_prune_deletes_old_rows_only(runner, demo):
    now = datetime.now(UTC)
    _event("old-one", "unknown_account", now - timedelta(days=200))
    _event("new-one", "unknown_account", now - timedelta(days=2))
    db.session.commit()
    result = runner.invoke(args=["signins", "prune", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "30 天以前的 1 条登录日志" in result.output
    assert list(db.session.scalars(select(SignInEvent.login))) == ["new-one"]
    assert runner.invoke(args=["signins", "prune", "--days", "0"]).exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(SignInEvent)) == 1
