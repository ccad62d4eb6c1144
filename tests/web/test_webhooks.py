"""Outbound webhooks (issue 19): an admin registers an endpoint, events reach a local
receiver signed so it can check them, failures are retried with backoff and can be replayed,
a rolled-back change sends nothing, two workers send a delivery once."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.models.base import utcnow
from app.services.webhooks import emit
from app.services.webhooks.delivery import deliver_due
from app.services.webhooks.endpoints import create_endpoint
from tests.learning_factories import person
from tests.practice_factories import make_run
from tests.races import race
from tests.review_helpers import decide
from tests.webhook_servers import Receiver, verify


def _queue(app):
    huey = app.extensions["huey"]
    return huey, [task.name for task in huey.pending()]


def test_admin_adds_an_endpoint_and_a_signed_off_run_reaches_the_receiver_signed(
        app, client, auth, demo):
    huey = app.extensions["huey"]
    huey.flush()
    auth.as_role("admin")
    for url, events, message in (
            ("ftp://erp.clinic.local/hook", ["run.signed_off"], "只能使用 http:// 或 https://"),
            ("https://admin:pw@erp.clinic.local/hook", ["run.signed_off"],
             "不要在地址中写用户名或密码"),
            ("http://erp.clinic.local/hook", [], "请至少选择一个事件")):
        page = client.post("/admin/webhooks", data={"url": url, "events": events})
        assert page.status_code == 200 and message in page.text, message
    assert db.session.scalar(select(func.count(WebhookEndpoint.id))) == 0

    with Receiver() as receiver:
        created = client.post("/admin/webhooks", data={
            "url": receiver.url, "description": "HR 系统",
            "events": ["run.signed_off", "attempt.graded"]})
        secret = re.search(r"whsec_[\w-]+", created.text).group(0)
        assert created.headers["Cache-Control"] == "no-store"
        listing = client.get("/admin/webhooks").text
        assert secret not in listing and "whsec_••••••" + secret[-4:] in listing
        assert "run.signed_off — SOP 实操已审核通过" in listing  # the events, in Chinese

        run = make_run("employee", status="submitted")
        decide(run, "supervisor", "signed_off")  # the review service, committed
        assert receiver.received == []  # the change only queued the delivery
        assert [task.name for task in huey.pending()] == ["deliver_webhooks"]
        huey.execute(huey.dequeue())  # what the worker does

        (headers, body), = receiver.received
        assert verify(secret, headers, body)
        assert not verify(secret, headers, body.replace(b"signed", b"Signed"))
        event = json.loads(body)
        assert event["type"] == headers["X-SOPA-Event"] == "run.signed_off"
        assert event["id"] == headers["X-SOPA-Event-Id"]
        assert event["data"]["run_id"] == run.id and event["data"]["user_login"] == "employee"
        assert event["data"]["case_code"] == "CRM-2026-000123"
    page = client.get("/admin/webhooks").text
    assert re.search(r"已于 [\d\- :]+ 送达", page) and " · 204 · " in page


def test_a_failing_endpoint_is_retried_with_backoff_then_failed_and_replayed(
        app, client, auth, demo):
    with Receiver() as receiver:
        endpoint, _secret = create_endpoint(person("admin"), receiver.url,
                                            ["survey.closed"], "", utcnow())
        start = utcnow()
        event = emit("survey.closed", {"survey_id": 5, "closed_at": start}, now=start)
        db.session.commit()
        receiver.statuses = [500] * 6
        minutes = [0, 1, 6, 36, 156, 876]  # 1 min, 5 min, 30 min, 2 h, 12 h apart
        for at in minutes:
            assert deliver_due(db.session.commit, clock=lambda at=at: start + timedelta(
                minutes=at, seconds=1)) == 1
            assert deliver_due(db.session.commit, clock=lambda at=at: start + timedelta(
                minutes=at, seconds=50)) == 0  # not due again yet
        delivery = db.session.scalar(select(WebhookDelivery))
        assert (delivery.status, delivery.tries, delivery.last_status) == ("failed", 6, 500)
        attempts = db.session.scalars(select(WebhookAttempt)).all()
        assert [a.status_code for a in attempts] == [500] * 6
        assert "HTTP 500" in attempts[0].error
        assert deliver_due(db.session.commit, clock=lambda: start + timedelta(days=3)) == 0

        auth.as_role("admin")
        page = client.get("/admin/webhooks").text
        assert "已失败" in page and event.public_id in page
        client.post(f"/admin/webhooks/deliveries/{delivery.id}/replay", follow_redirects=True)
        assert deliver_due(db.session.commit) == 1
        ids = {json.loads(body)["id"] for _headers, body in receiver.received}
        assert ids == {event.public_id}  # the same event id every time: receivers dedupe
        db.session.expire_all()
        assert db.session.get(WebhookDelivery, delivery.id).status == "delivered"

        receiver.delay = 0.5  # a receiver too slow for the worker's timeout
        emit("survey.closed", {"survey_id": 6})
        db.session.commit()
        assert deliver_due(db.session.commit, timeout=0.1) == 1
        slow = db.session.scalar(select(WebhookAttempt).order_by(WebhookAttempt.id.desc()))
        assert slow.status_code is None and "timed out" in slow.error


def test_a_rolled_back_change_sends_nothing_and_nobody_listening_writes_nothing(app, demo):
    huey = app.extensions["huey"]
    huey.flush()
    assert emit("survey.closed", {"survey_id": 1}) is None  # no endpoint yet
    create_endpoint(person("admin"), "http://127.0.0.1:9/hook", ["survey.closed"], "", utcnow())
    db.session.commit()
    huey.flush()
    assert emit("certificate.expired", {"certificate_id": 1}) is None  # not subscribed
    assert emit("survey.closed", {"survey_id": 1}) is not None
    db.session.rollback()
    assert db.session.scalar(select(func.count(WebhookEvent.id))) == 0
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0
    assert huey.pending_count() == 0  # no nudge either


def test_two_workers_racing_send_each_delivery_once(app, demo):
    with Receiver() as receiver:
        create_endpoint(person("admin"), receiver.url, ["class.attended"], "", utcnow())
        for number in range(6):
            emit("class.attended", {"class_id": 1, "user_id": number})
        db.session.commit()
        sent = race(app, lambda: deliver_due(db.session.commit, batch=3),
                    lambda: deliver_due(db.session.commit, batch=3))
        assert sum(sent) == 6
        ids = [json.loads(body)["id"] for _headers, body in receiver.received]
        assert len(ids) == len(set(ids)) == 6


def test_an_overdue_assignment_is_emitted_once_per_due_date(app, demo):
    from app.services.assign.channels.base import OwedItem
    from app.services.assign.reminders import emit_overdue

    create_endpoint(person("admin"), "http://127.0.0.1:9/hook", ["assignment.overdue"], "",
                    utcnow())
    due = utcnow() - timedelta(days=1)
    owed = OwedItem(user_id=1, user_name="", email=None, locale=None, department_id=None,
                    assignment_id=7, kind="course", title="广告法红线", due_at=due,
                    overdue=True, required=True, login="10001")
    for _day in range(2):  # two daily runs
        emit_overdue([owed], utcnow())
        db.session.commit()
    events = db.session.scalars(select(WebhookEvent)).all()
    assert [e.payload["assignment_id"] for e in events] == [7]
    emit_overdue([OwedItem(**{**owed.__dict__, "due_at": due + timedelta(hours=1)})], utcnow())
    assert db.session.scalar(select(func.count(WebhookEvent.id))) == 2  # a new deadline


def test_a_graded_exam_a_certificate_and_a_roster_import_emit_their_events(app, demo):
    from app.services.certificates import issue_due_certificates
    from app.services.importers.roster import import_roster
    from app.services.quiz.grading import grade_by_hand
    from tests.helpers import GOOD_ROWS, TEST_HASH, xlsx_bytes
    from tests.learning_factories import make_course
    from tests.points_factories import complete_lessons
    from tests.web.quiz_helpers import quiz_with_short_answer, short_row, submit_attempt

    create_endpoint(person("admin"), "http://127.0.0.1:9/hook",
                    ["attempt.graded", "user.synced", "certificate.issued"], "", utcnow())
    db.session.commit()
    attempt = submit_attempt(quiz_with_short_answer(), "employee")
    assert db.session.scalar(select(func.count(WebhookEvent.id))) == 0  # waits for a grader
    grade_by_hand(short_row(attempt), person("supervisor"), 2.0, "好", [], utcnow())
    db.session.commit()
    graded = db.session.scalar(select(WebhookEvent).where(WebhookEvent.type == "attempt.graded"))
    assert graded.payload["attempt_id"] == attempt.id and graded.payload["percent"] == 100.0
    assert graded.payload["user_login"] == "employee" and graded.payload["passed"] is True

    course = make_course("hook-course", [("l1", "一", "x")], title="私域运营基础")
    complete_lessons("employee", course, ["l1"])
    cert, = issue_due_certificates(utcnow())
    db.session.commit()
    issued = db.session.scalar(select(WebhookEvent).where(
        WebhookEvent.type == "certificate.issued"))
    assert issued.payload == {
        "certificate_id": cert.id, "code": cert.code, "kind": "course", "item_id": course.id,
        "title": "私域运营基础", "user_id": cert.user_id, "user_login": "employee",
        "issued_at": cert.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")}

    report = import_roster("花名册.xlsx", xlsx_bytes(GOOD_ROWS), dry_run=False, max_rows=100,
                           hash_method=TEST_HASH)
    db.session.commit()
    synced = db.session.scalars(select(WebhookEvent).where(WebhookEvent.type == "user.synced")
                                ).all()
    assert len(synced) == report.created + report.updated > 0
    assert {e.payload["source"] for e in synced} == {"roster"}
    assert {e.payload["change"] for e in synced} <= {"created", "updated"}


def test_the_worker_runs_the_reminders_when_asked_and_the_deliver_command_sends(
        app, runner, demo):
    from huey import MemoryHuey

    from app.tasks import _register

    app.config["REMINDERS_AT"] = "09:00"  # China time: 01:00 UTC
    tasks = _register(MemoryHuey("t", utc=True), app)
    daily = tasks["send_reminders_daily"]
    due = [hour for hour in range(24)
           if daily.s().validate_datetime(datetime(2026, 3, 1, hour, 0))]  # Huey: naive UTC
    assert due == [1]
    report = daily.call_local()
    assert report["dry_run"] is False and "inapp" in report["channels"]

    with Receiver() as receiver:
        create_endpoint(person("admin"), receiver.url, ["survey.closed"], "", utcnow())
        emit("survey.closed", {"survey_id": 9})
        db.session.commit()
        result = runner.invoke(args=["webhooks", "deliver"])
        assert result.exit_code == 0 and "1" in result.output
        assert len(receiver.received) == 1


def test_the_webhooks_page_is_constant_in_the_number_of_deliveries(client, auth, demo,
                                                                   count_statements):
    def statements() -> int:
        with count_statements() as counted:
            assert client.get("/admin/webhooks").status_code == 200
        return counted()

    auth.as_role("admin")
    for url in ("http://127.0.0.1:9/a", "http://127.0.0.1:9/b"):
        create_endpoint(person("admin"), url, ["survey.closed"], "", utcnow())
    emit("survey.closed", {"survey_id": 1})
    db.session.commit()
    few = statements()
    for number in range(2, 8):
        emit("survey.closed", {"survey_id": number})
    db.session.commit()
    deliver_due(db.session.commit, timeout=0.5)  # nothing listens on port 9: 14 tries logged
    assert statements() == few
    assert client.get("/admin/webhooks").text.count("Connection refused") == 14


def test_the_openapi_document_describes_every_event(client):
    from app.services.webhooks.events import EVENT_TYPES

    hooks = client.get("/api/v1/openapi.json").get_json()["x-webhooks"]
    assert sorted(hooks) == sorted(EVENT_TYPES)
    body = hooks["attempt.graded"]["post"]["requestBody"]["content"]["application/json"]
    data = body["schema"]["properties"]["data"]["properties"]
    assert data["percent"] == {"type": "number"}
    assert data["graded_at"] == {"type": "string", "format": "date-time"}
    assert body["example"]["type"] == "attempt.graded"
    headers = {p["name"] for p in hooks["attempt.graded"]["post"]["parameters"]}
    assert "X-SOPA-Signature" in headers


def test_expiry_attendance_and_closing_a_survey_emit_their_events_once(app, demo):
    from app.services.certificate_expiry import run_expiry
    from app.services.certificates import issue_due_certificates
    from app.services.classes import attendance, enrolment
    from app.services.surveys import authoring
    from tests.class_factories import make_class
    from tests.learning_factories import make_course
    from tests.points_factories import complete_lessons
    from tests.survey_factories import answer, make_survey

    create_endpoint(person("admin"), "http://127.0.0.1:9/hook",
                    ["certificate.expired", "class.attended", "survey.closed"], "", utcnow())
    course = make_course("valid-course", [("l1", "一", "x")], title="院内急救规范")
    course.validity_months = 12
    db.session.commit()
    complete_lessons("employee", course, ["l1"])
    cert, = issue_due_certificates(utcnow())
    cert.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for _ in range(2):  # a second daily run emits nothing more
        run_expiry(utcnow())
        db.session.commit()

    training, session = make_class()
    mine = enrolment.enrol(person("trainer"), session, person("employee"), utcnow())
    for _ in range(2):  # marked present twice: attended once
        attendance.mark(person("trainer"), mine, "present", "讲师确认在场", utcnow())
        db.session.commit()

    survey = make_survey(title="满意度调查")
    answer(survey, "employee", {0: 0, 1: [0], 2: 4, 3: 9, 4: "好"})
    authoring.close(person("trainer"), survey, utcnow())
    db.session.commit()

    events = {e.type: e.payload for e in db.session.scalars(select(WebhookEvent))}
    assert set(events) == {"certificate.expired", "class.attended", "survey.closed"}
    assert db.session.scalar(select(func.count(WebhookEvent.id))) == 3
    assert (events["certificate.expired"]["certificate_id"],
            events["certificate.expired"]["user_login"]) == (cert.id, "employee")
    assert (events["class.attended"]["class_id"], events["class.attended"]["user_login"]) == (
        training.id, "employee")
    assert (events["survey.closed"]["survey_id"], events["survey.closed"]["responses"]) == (
        survey.id, 1)
