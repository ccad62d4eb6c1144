"""Reminders to each person through WeCom app messages and DingTalk work notices, against
the fake servers: one card per person and kind a day, sent together to everyone with the
same card within the provider's limit, its link opening the items through the sign-in."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Course, Department, User
from app.models.assignments import Assignment, ReminderDelivery
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.assign.reminders import send_reminders
from tests.identity_servers import FakeDingTalk, FakeWeCom
from tests.learning_factories import department, make_course, person
from tests.unit.assign.test_reminders import NOW, _owing

BASE = "https://academy.example.cn"


@pytest.fixture
def wecom(app, demo):
    with FakeWeCom() as fake:
        app.config.update(fake.settings(BASE_URL=BASE))
        for user in db.session.scalars(select(User)):
            user.wecom_userid = f"wx-{user.login}"
            fake.members[user.wecom_userid] = {"userid": user.wecom_userid}
        db.session.commit()
        yield fake


def _run(dry_run=False):
    report = send_reminders(NOW, dry_run=dry_run, settings=current_app.config,
                            commit=db.session.commit)
    db.session.rollback() if dry_run else db.session.commit()
    return report.as_dict()["channels"]


def _owing_people() -> tuple[set[str], set[str]]:
    """The userids of the people overdue and due soon in `_owing`."""
    late = {f"wx-{u.login}" for u in db.session.scalars(select(User).join(User.position))
            if u.position.name == "护士"}
    return late, {"wx-employee"}


def test_each_person_gets_a_card_and_people_with_the_same_card_one_send(app, wecom):
    _owing(NOW)
    result = _run()
    late, soon = _owing_people()
    assert (result["wecom_app"]["sent"], result["wecom_app"]["failed"]) == (len(late | soon), 0)
    by_title = {body["textcard"]["title"]: body for body in wecom.sent}
    assert set(by_title) == {"培训已逾期：1 项", "培训即将到期：1 项"}
    overdue = by_title["培训已逾期：1 项"]
    assert set(overdue["touser"].split("|")) == late and overdue["msgtype"] == "textcard"
    assert "术后护理规范" in overdue["textcard"]["description"]
    assert by_title["培训即将到期：1 项"]["touser"] == "wx-employee"
    link = urlsplit(overdue["textcard"]["url"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == BASE + "/auth/wecom/login"
    assignment = db.session.scalar(select(Assignment.id).join(
        Course, Course.id == Assignment.course_id).where(Course.slug == "late-course"))
    assert parse_qs(link.query)["next"] == [f"/learn/tasks#task-{assignment}"]


def test_a_second_run_the_same_day_sends_nothing(app, wecom):
    _owing(NOW)
    _run()
    sent = len(wecom.sent)
    again = _run()["wecom_app"]
    assert len(wecom.sent) == sent and again["sent"] == 0 and again["skipped"] == 3
    keys = set(db.session.scalars(select(ReminderDelivery.key).where(
        ReminderDelivery.channel == "wecom_app", ReminderDelivery.status == "sent")))
    assert f"20261123:user:{person('employee').id}:due_soon" in keys


def test_someone_wecom_refuses_is_failed_and_tried_again_next_run(app, wecom):
    _owing(NOW)
    wecom.invalid = {"wx-employee"}
    first = _run()["wecom_app"]
    assert first["failed"] == 1 and first["sent"] == 2
    wecom.invalid = set()
    second = _run()["wecom_app"]
    assert (second["sent"], second["skipped"]) == (1, 2)
    assert wecom.sent[-1]["touser"] == "wx-employee"


def test_people_without_a_wecom_userid_are_counted_not_sent(app, wecom):
    _owing(NOW)
    person("employee").wecom_userid = None
    db.session.commit()
    result = _run()["wecom_app"]
    assert result["no_recipient"] == 1 and "wx-employee" not in str(wecom.sent)


def test_a_thousand_and_one_people_get_two_sends(app, wecom):
    surgery = department("整形外科")
    big = Department(hospital_id=surgery.hospital_id, name="大客服部")
    db.session.add(big)
    db.session.flush()
    db.session.add_all(User(login=f"9{n:04d}", name=f"客服{n}", department_id=big.id,
                            password_hash="x", must_change_password=False,
                            hire_date=date(2025, 1, 1), wecom_userid=f"big-{n}")
                       for n in range(1001))
    course = make_course("big-course", title="服务礼仪")
    create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, department_ids=[big.id],
        starts_at=NOW - timedelta(days=9), due_at=NOW - timedelta(days=2)), NOW)
    db.session.commit()
    wecom.members.update({f"big-{n}": {} for n in range(1001)})
    result = _run()["wecom_app"]
    sizes = sorted(len(body["touser"].split("|")) for body in wecom.sent)
    assert sizes == [1, 1000] and result["sent"] == 1001


def test_a_dry_run_sends_and_writes_nothing(app, wecom):
    _owing(NOW)
    result = _run(dry_run=True)["wecom_app"]
    assert not wecom.sent and len(result["would_send"]) == 2
    assert db.session.scalar(select(ReminderDelivery.id).where(
        ReminderDelivery.channel == "wecom_app")) is None


def test_without_base_url_the_channel_is_off(app, wecom):
    _owing(NOW)
    app.config["BASE_URL"] = None
    assert not _run()["wecom_app"]["enabled"] and not wecom.sent


def test_dingtalk_work_notices(app, demo):
    _owing(NOW)
    with FakeDingTalk() as fake:
        app.config.update(fake.settings(BASE_URL=BASE))
        person("employee").dingtalk_userid = "ding-wang"
        db.session.commit()
        result = _run()["dingtalk"]
        assert result["sent"] == 1 and len(fake.sent) == 1
        notice = fake.sent[0]
        assert notice["userid_list"] == "ding-wang" and notice["agent_id"] == 2000003
        card = notice["msg"]["action_card"]
        assert card["title"] == "培训即将到期：1 项"
        assert card["single_url"].startswith(BASE + "/auth/dingtalk/login?next=")
        assert _run()["dingtalk"]["skipped"] == 1 and len(fake.sent) == 1
