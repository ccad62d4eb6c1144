"""`send_reminders` / `flask reminders send`: in-app, WeCom robot and email in one run,
idempotent per day, failures retried by the next run, channels independent of each other,
dry runs that write nothing, and the command's exit status."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Department, User
from app.models.assignments import Notification, ReminderDelivery
from app.models.base import utcnow
from app.services.assign import channels
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.assign.reminders import send_reminders
from tests.learning_factories import department, make_course, person, position
from tests.reminder_servers import MailSink, Robot, free_port

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in China


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _owing(now: datetime) -> None:
    """Nurses (陈主管 in 整形外科, 郑可 in its 病房护理组) are a day late on a course;
    王小雨 has one due tomorrow. 郑可 and 王小雨 have an email address."""
    late = make_course("late-course", title="术后护理规范")
    soon = make_course("soon-course", title="私域标签体系")
    admin = person("admin")
    create_assignment(admin, AssignmentData(
        kind="course", item_id=late.id, position_ids=[position("护士").id],
        starts_at=now - timedelta(days=10), due_at=now - timedelta(days=1)), now)
    create_assignment(admin, AssignmentData(
        kind="course", item_id=soon.id, user_ids=[person("employee").id],
        starts_at=now - timedelta(days=3), due_at=now + timedelta(days=1)), now)
    person("10009").email = "zheng@example.com"
    person("employee").email = "wang@example.com"
    db.session.commit()


@pytest.fixture
def robot(app):
    with Robot() as robot:
        yield robot


@pytest.fixture
def sink(app):
    with MailSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port,
                          MAIL_DEFAULT_SENDER="academy@example.com")
        yield sink


@pytest.fixture
def servers(app, demo, robot, sink):
    """整形外科's own robot, a default robot for the other departments, a mail server."""
    department("整形外科").wecom_webhook_url = robot.url("surgery")
    app.config["WECOM_WEBHOOK_URL"] = robot.url("default")
    db.session.commit()
    return robot, sink


@pytest.fixture
def wired(servers):
    """…and people owing things on NOW."""
    _owing(NOW)
    return servers


def _run(now=NOW, dry_run=False):
    commits = []
    report = send_reminders(now, dry_run=dry_run, settings=current_app.config,
                            commit=lambda: (commits.append(1), db.session.commit()))
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report.as_dict()["channels"], len(commits)


def _counts(result: dict, name: str) -> tuple[int, int, int]:
    return result[name]["sent"], result[name]["skipped"], result[name]["failed"]


def test_one_run_sends_through_every_channel(app, wired):
    robot, sink = wired
    result, commits = _run()
    assert _counts(result, "inapp") == (6, 0, 0)  # 3 assigned, 2 overdue, 1 due soon
    assert _counts(result, "wecom") == (2, 0, 0)
    assert _counts(result, "email") == (2, 0, 0)
    assert result["email"]["no_recipient"] == 1  # 陈主管 has no address
    assert commits == 1 + 2 * (2 + 2)  # after the in-app notices; each message: claim, result
    by_key = {path.rsplit("=", 1)[1]: body["markdown"]["content"]
              for path, _h, body in robot.received}
    assert "陈主管" in by_key["surgery"] and "郑可" not in by_key["surgery"]
    assert "郑可" in by_key["default"] and "病房护理组" in by_key["default"]
    assert "术后护理规范" in by_key["default"] and "2026-11-22 09:00" in by_key["default"]
    assert "王小雨" not in "".join(by_key.values())  # due soon is not overdue
    assert sorted(to for _sender, (to,) in sink.envelopes) == ["wang@example.com",
                                                                "zheng@example.com"]
    keys = set(db.session.scalars(select(ReminderDelivery.key).where(
        ReminderDelivery.status == "sent")))
    surgery = department("整形外科").id
    assert f"20261123:dept:{surgery}:1" in keys
    assert f"20261123:user:{person('10009').id}" in keys


def test_the_email_is_in_the_persons_language(app, wired):
    _robot, sink = wired
    _run()
    message = next(m for m in sink.messages if m["To"].addresses[0].username == "zheng")
    with force_locale("zh_CN"):
        subject = _("[SOP Academy] %(count)d training items are overdue or due soon", count=1)
        overdue = _("Overdue:")
    assert message["Subject"] == subject and message["To"].addresses[0].display_name == "郑可"
    body = message.get_content()
    assert overdue in body and "术后护理规范" in body and "2026-11-22 09:00" in body
    if overdue != "Overdue:":  # once the catalog has the reminder strings
        assert "学习任务" in message["Subject"] and "你好" in body


def test_a_second_run_the_same_day_sends_nothing_twice(app, wired):
    robot, sink = wired
    _run()
    result, _commits = _run(NOW + timedelta(hours=8))
    assert _counts(result, "wecom") == (0, 2, 0) and _counts(result, "email") == (0, 2, 0)
    assert _counts(result, "inapp") == (0, 6, 0)
    assert len(robot.received) == 2 and len(sink.messages) == 2
    result, _commits = _run(NOW + timedelta(days=1))  # a new day: reminded again
    assert _counts(result, "wecom")[0] == 2 and len(sink.messages) == 4


def test_a_refused_robot_message_is_recorded_and_retried_by_the_next_run(app, wired):
    robot, _sink = wired
    robot.replies += [(500, {"errcode": -1}), (200, {"errcode": 93000, "errmsg": "bad key"})]
    result, _commits = _run()
    assert _counts(result, "wecom") == (0, 0, 2) and _counts(result, "email") == (2, 0, 0)
    failed = db.session.scalars(select(ReminderDelivery).where(
        ReminderDelivery.channel == "wecom")).all()
    assert {d.status for d in failed} == {"failed"} and {d.tries for d in failed} == {1}
    assert sorted(d.last_error.split(":")[0] for d in failed) == ["DeliveryError",
                                                                   "DeliveryError"]
    assert any("errcode 93000" in d.last_error for d in failed)
    assert any("HTTP 500" in d.last_error for d in failed)
    result, _commits = _run(NOW + timedelta(hours=1))
    assert _counts(result, "wecom") == (2, 0, 0) and _counts(result, "email") == (0, 2, 0)
    retried = db.session.scalars(select(ReminderDelivery).where(
        ReminderDelivery.channel == "wecom")).all()
    assert {(d.status, d.tries, d.last_error) for d in retried} == {("sent", 2, "")}


def test_email_failing_does_not_stop_the_robot_and_vice_versa(app, wired):
    robot, _sink = wired
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    result, _commits = _run()
    assert _counts(result, "email") == (0, 0, 2) and _counts(result, "wecom") == (2, 0, 0)
    app.config["MAIL_PORT"] = wired[1].port
    robot.replies += [(500, {})] * 2
    result, _commits = _run(NOW + timedelta(days=1))  # the next day
    assert _counts(result, "email") == (2, 0, 0) and _counts(result, "wecom") == (0, 0, 2)


def test_a_channel_that_crashes_is_reported_and_the_others_still_run(app, wired, monkeypatch):
    def broken(ctx):
        raise RuntimeError("bug in the channel")

    monkeypatch.setattr(channels.CHANNELS["wecom"], "messages", broken)
    result, _commits = _run()
    assert result["wecom"]["error"] == "RuntimeError: bug in the channel"
    assert _counts(result, "email") == (2, 0, 0) and _counts(result, "inapp")[0] == 6


def test_unconfigured_channels_are_skipped(app, demo):
    _owing(NOW)
    app.config.update(WECOM_WEBHOOK_URL=None, MAIL_SERVER=None)
    result, _commits = _run()
    assert not result["wecom"]["enabled"] and not result["email"]["enabled"]
    assert _counts(result, "inapp")[0] == 6


def test_departments_without_a_robot_are_counted_not_sent(app, demo, robot):
    _owing(NOW)
    department("整形外科").wecom_webhook_url = robot.url("surgery")
    db.session.commit()
    result, _commits = _run()
    assert _counts(result, "wecom") == (1, 0, 0) and result["wecom"]["no_recipient"] == 1


def test_a_large_department_gets_several_messages_listing_everyone(app, demo, robot):
    surgery = department("整形外科")
    big = Department(hospital_id=surgery.hospital_id, name="大客服部",
                     wecom_webhook_url=robot.url("big"))
    db.session.add(big)
    db.session.flush()
    names = [f"客服专员{n:02d}号" for n in range(45)]
    db.session.add_all(User(login=f"9{n:04d}", name=name, department_id=big.id,
                            password_hash="x", must_change_password=False,
                            hire_date=date(2025, 1, 1))
                       for n, name in enumerate(names))
    course = make_course("long-title", title="新客首诊沟通、术前告知与术后回访的标准话术" * 3)
    create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, department_ids=[big.id],
        starts_at=NOW - timedelta(days=9), due_at=NOW - timedelta(days=2)), NOW)
    db.session.commit()
    result, _commits = _run()
    contents = robot.contents()
    assert len(contents) >= 3 and _counts(result, "wecom") == (len(contents), 0, 0)
    assert all(len(content.encode("utf-8")) <= 4096 for content in contents)
    joined = "\n".join(contents)
    assert all(joined.count(f"**{name}**") == 1 for name in names)
    keys = set(db.session.scalars(select(ReminderDelivery.key)))
    assert {f"20261123:dept:{big.id}:{n}" for n in range(1, len(contents) + 1)} <= keys


def test_a_dry_run_sends_and_writes_nothing(app, wired):
    robot, sink = wired
    result, commits = _run(dry_run=True)
    assert commits == 0 and not robot.received and not sink.messages
    assert _count(Notification) == 0 and _count(ReminderDelivery) == 0
    assert len(result["wecom"]["would_send"]) == 2 and len(result["email"]["would_send"]) == 2
    assert result["inapp"]["sent"] == 6  # what it would add


# ---- the command ------------------------------------------------------------------------

def test_the_command_prints_a_summary_and_is_idempotent(app, runner, servers):
    _owing(utcnow())
    first = runner.invoke(args=["reminders", "send", "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["dry_run"] is False and data["errors"] == []
    assert data["channels"]["wecom"]["sent"] >= 1 and data["channels"]["email"]["sent"] >= 1
    again = runner.invoke(args=["reminders", "send"])
    assert again.exit_code == 0
    with force_locale("zh_CN"):
        label = _("WeCom group robot")
    assert label in again.output
    assert json.loads(runner.invoke(args=["reminders", "send", "--json"]).output)[
        "channels"]["wecom"]["sent"] == 0


def test_the_command_exits_0_when_an_outside_message_failed(app, runner, servers):
    robot, _sink = servers
    _owing(utcnow())
    robot.replies += [(500, {})] * 10
    result = runner.invoke(args=["reminders", "send", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["channels"]["wecom"]["failed"] >= 1


def test_the_command_exits_1_on_an_internal_error(app, runner, servers, monkeypatch):
    def broken(ctx):
        raise RuntimeError("bug")

    _owing(utcnow())
    monkeypatch.setattr(channels.CHANNELS["email"], "messages", broken)
    result = runner.invoke(args=["reminders", "send", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == ["email: RuntimeError: bug"] and data["channels"]["wecom"]["sent"]


def test_the_command_dry_run_prints_the_messages_and_writes_nothing(app, runner, servers):
    robot, sink = servers
    _owing(utcnow())
    result = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "zheng@example.com" in result.output and "术后护理规范" in result.output
    assert not robot.received and not sink.messages
    assert _count(Notification) == 0 and _count(ReminderDelivery) == 0

