"""The employee's practice runs (实操) through the web: start → fill → hand in, resuming on
another device, the pinned version, the privacy guard on every field, rework after a return,
and who may open what."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import EvidencePhoto, PracticeRun, RunStep, RunSubmission
from tests.learning_factories import person, republish_sop
from tests.practice_factories import (
    PRACTICE_STEPS,
    jpeg_bytes,
    make_practice_sop,
    make_run,
    return_run,
)
from tests.web.quiz_helpers import shown

SNAPSHOT_STEP_KEYS = {"key", "position", "title", "timing", "timing_from", "evidence_type",
                      "evidence_label", "evidence_unit", "done_at", "on_time",
                      "evidence_text", "evidence_number", "evidence_link", "photo_id", "note",
                      "script_draft"}
FILLED = {
    "add-wechat": {"evidence_text": "已通过企业微信添加", "script_draft": "王女士您好，我是小李。"},
    "first-visit": {"evidence_number": "15"},
    "survey": {"evidence_link": "https://survey.example.com/s/1"},
    "screenshot": {},
    "handover": {},
}


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def _run() -> PracticeRun:
    db.session.expire_all()
    return db.session.scalar(select(PracticeRun).order_by(PracticeRun.id.desc()))


def _start(client, slug="practice-sop", **fields):
    data = {"case_code": "CRM-2026-000123", "context": "首次到院", "case_at": ""} | fields
    return client.post(f"/practice/start/{slug}", data=data)


def _save(client, run_id, key, done=True, photo=None, **fields):
    data = dict(fields, done="1") if done else dict(fields)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "photo.jpg")
    return client.post(f"/practice/runs/{run_id}/steps/{key}", data=data,
                       content_type="multipart/form-data")


def test_start_fill_and_hand_in(employee):
    make_practice_sop()
    assert "practice-sop" in employee.get("/practice/").text
    assert 'data-testid="practice-tab"' in employee.get("/practice/").text
    assert 'data-testid="start-practice"' in employee.get("/learn/sop/practice-sop").text
    page = employee.get("/practice/start/practice-sop")
    assert page.status_code == 200 and 'name="case_code"' in page.text
    response = _start(employee)
    run = _run()
    assert response.status_code == 302 and response.location.endswith(f"/practice/runs/{run.id}")
    assert [s.step_key for s in run.steps] == [s["key"] for s in PRACTICE_STEPS]
    page = employee.get(f"/practice/runs/{run.id}").text
    assert page.count('data-testid="run-step"') == 5 and 'mark class="placeholder"' in page
    assert 'data-coach-url="/coach/' in page and "js/coach.js" in page
    assert 'accept="image/jpeg,image/png,image/webp,image/*"' in page
    for key, fields in FILLED.items():
        photo = jpeg_bytes() if key == "screenshot" else None
        saved = _save(employee, run.id, key, photo=photo, note="备注", **fields)
        assert saved.status_code == 302 and saved.location.endswith(f"#step-{key}")
    assert employee.post(f"/practice/runs/{run.id}/submit").status_code == 302
    assert employee.post(f"/practice/runs/{run.id}/submit").status_code == 302  # twice
    run = _run()
    assert run.status == "submitted" and run.submitted_at is not None
    submissions = list(db.session.scalars(select(RunSubmission)))
    assert len(submissions) == 1 and submissions[0].round == 1
    snapshot = submissions[0].snapshot
    assert set(snapshot) == {"steps", "case_code", "context"}
    assert snapshot["case_code"] == "CRM-2026-000123"
    assert [set(step) for step in snapshot["steps"]] == [SNAPSHOT_STEP_KEYS] * 5
    first, number = snapshot["steps"][0], snapshot["steps"][1]
    assert first["evidence_text"] == "已通过企业微信添加" and first["on_time"] is None
    assert first["done_at"].endswith("+00:00")
    assert number["evidence_number"] == 15.0 and number["on_time"] is True
    assert snapshot["steps"][3]["photo_id"] == db.session.scalar(select(EvidencePhoto.id))
    page = employee.get(f"/practice/runs/{run.id}").text
    assert 'data-testid="waiting"' in page and 'data-testid="save-step"' not in page


def test_handing_in_an_unfinished_run_lists_what_is_missing(employee):
    run = make_run()
    _save(employee, run.id, "add-wechat")  # ticked without its evidence
    response = employee.post(f"/practice/runs/{run.id}/submit", follow_redirects=True)
    text = response.text
    assert "添加客户微信" in text and "首次回访" in text and _run().status == "draft"
    assert db.session.scalar(select(func.count(RunSubmission.id))) == 0


def test_saved_work_resumes_from_another_device(app, employee):
    run = make_run()
    _save(employee, run.id, "add-wechat", evidence_text="第一台手机写的", note="待续")
    other = app.test_client()
    other.post("/auth/login", data={"login": "employee", "password": "demo1234"})
    page = other.get(f"/practice/runs/{run.id}").text
    assert "第一台手机写的" in page and "待续" in page
    assert 'data-done="yes"' in page


def test_a_run_stays_on_the_version_it_started_on(employee):
    module = make_practice_sop()
    run = make_run(module=module)
    republish_sop(module, [{"key": "brand-new", "title": "全新的步骤"}], "新版", False)
    page = employee.get(f"/practice/runs/{run.id}").text
    assert "添加客户微信" in page and "全新的步骤" not in page
    assert _save(employee, run.id, "brand-new").status_code == 404
    _start(employee, case_code="CRM-2026-000124")  # another case: a new run, newest version
    newer = _run()
    assert newer.id != run.id and [s.step_key for s in newer.steps] == ["brand-new"]
    assert newer.version_id != run.version_id


PHONE, ID_CARD = "客户手机 138 1234 5678", "身份证 11010519491231002X"
REASONS = {
    "phone": "%(label)s looks like a mobile phone number. SOP Academy never stores clients' "
             "phone numbers: refer to the client by the case code only.",
    "id": "%(label)s looks like an ID-card number. SOP Academy never stores clients' "
          "ID-card numbers: refer to the client by the case code only.",
}
LABELS = {"case_code": "Case code", "context": "Context", "evidence_text": "Your written record",
          "evidence_number": "Evidence (a number)", "evidence_link": "Link", "note": "Note",
          "script_draft": "Script draft"}
STEP_FIELDS = [("add-wechat", "evidence_text"), ("add-wechat", "note"),
               ("add-wechat", "script_draft"), ("first-visit", "evidence_number"),
               ("survey", "evidence_link")]


def refusal(reason: str, field: str) -> str:
    """The refusal as the page shows it, in the default language."""
    from flask import current_app
    from flask_babel import gettext

    with current_app.test_request_context():
        return shown(REASONS[reason], label=gettext(LABELS[field]))


@pytest.mark.parametrize("value,reason", [(PHONE, "phone"), ("１３８１２３４５６７８", "phone"),
                                          (ID_CARD, "id"), ("110101 900307 123", "id")])
def test_pii_is_refused_in_every_field_and_nothing_is_written(employee, value, reason):
    module = make_practice_sop()
    for field in ("case_code", "context"):
        response = _start(employee, **{field: value[:40]})
        assert response.status_code == 200 and refusal(reason, field) in response.text, field
    assert db.session.scalar(select(func.count(PracticeRun.id))) == 0
    run = make_run(module=module)
    for key, field in STEP_FIELDS:
        fields = {field: value} if field == "note" else {field: value, "note": "ok"}
        response = _save(employee, run.id, key, **fields)
        assert response.status_code == 200, (key, field)
        assert 'data-testid="step-error"' in response.text
        assert refusal(reason, field) in response.text, field
        assert value in response.text or field == "evidence_number"  # typed text kept
        db.session.expire_all()
        step = db.session.scalar(select(RunStep).where(RunStep.run_id == run.id,
                                                       RunStep.step_key == key))
        assert step.done_at is None and step.note == "" and step.evidence_text == ""
        assert step.evidence_number is None and step.evidence_link == ""


@pytest.mark.parametrize("value", ["CRM-2026-000123", "12800", "2026-11-23 14:30", "订单 123456"])
def test_ordinary_numbers_are_accepted_everywhere(employee, value):
    make_practice_sop()
    assert _start(employee, case_code=value, context=value).status_code == 302
    run = _run()
    _save(employee, run.id, "add-wechat", evidence_text=value, note=value, script_draft=value)
    step = run.steps[0]
    db.session.refresh(step)
    assert step.evidence_text == step.note == step.script_draft == value


def test_bad_input_gets_a_message_never_a_500(employee):
    run = make_run()
    cases = [("first-visit", {"evidence_number": "9" * 400}),
             ("first-visit", {"evidence_number": "1e999"}),
             ("survey", {"evidence_link": "javascript:alert(1)"}),
             ("add-wechat", {"note": "x" * 30_000}), ("add-wechat", {"note": "a\x00b"}),
             ("screenshot", {"photo": b"not an image at all"})]
    for key, fields in cases:
        photo = fields.pop("photo", None)
        response = _save(employee, run.id, key, photo=photo, **fields)
        assert response.status_code == 200 and 'data-testid="step-error"' in response.text
    assert employee.post(f"/practice/runs/{run.id}/steps/nope", data={}).status_code == 404
    assert employee.get("/practice/runs/99999999999").status_code == 404
    assert employee.get("/practice/start/no-such-sop").status_code == 404
    slug = run.module.slug
    assert _start(employee, slug, case_at="not a date").status_code == 200
    assert _start(employee, slug, case_at="2999-01-01T10:00").status_code == 200
    assert _start(employee, slug, case_at="2030-01-01T10:00").status_code == 200
    assert _start(employee, slug, case_code="").status_code == 200
    assert _start(employee, slug, case_code="x" * 41).status_code == 200
    assert db.session.scalar(select(func.count(PracticeRun.id))) == 1
    assert db.session.scalar(select(func.count(EvidencePhoto.id))) == 0


def test_a_handed_in_run_cannot_be_changed(employee):
    run = make_run(status="submitted")
    response = _save(employee, run.id, "add-wechat", evidence_text="改一下")
    assert response.status_code == 200
    assert shown("This run has been handed in and can no longer be changed.") in response.text
    db.session.refresh(run.steps[0])
    assert run.steps[0].evidence_text == "已通过企业微信添加"


def test_a_returned_run_shows_the_reason_and_comments_and_goes_back_in(employee):
    run = make_run(status="returned")
    page = employee.get(f"/practice/runs/{run.id}").text
    assert "回访话术缺少复查提醒" in page and "请补充复查时间" in page
    assert 'data-testid="rounds"' in page and page.count('data-testid="step-comment"') == 1
    assert _save(employee, run.id, "first-visit", evidence_number="20").status_code == 302
    employee.post(f"/practice/runs/{run.id}/submit")
    rounds = sorted(s.round for s in db.session.scalars(select(RunSubmission)))
    assert rounds == [1, 2] and _run().status == "submitted"


def test_the_timing_badge_shows_on_time_and_late(employee):
    from datetime import timedelta

    from app.models.base import utcnow

    run = make_run(case_at=utcnow() - timedelta(days=3))
    _save(employee, run.id, "add-wechat", evidence_text="好")  # anchor: now
    page = employee.get(f"/practice/runs/{run.id}").text
    assert 'data-testid="due"' in page  # 离院后24小时内, not ticked yet
    _save(employee, run.id, "first-visit", evidence_number="3")
    assert 'data-testid="on-time"' in employee.get(f"/practice/runs/{run.id}").text
    late = make_run(module=run.module, case_at=utcnow() - timedelta(days=3),
                    now=utcnow() - timedelta(days=3), case_code="CRM-2026-000124")
    _save(employee, late.id, "first-visit", done=False)
    from app.services.practice import runs as service

    step = service.save_step(person("employee"), late, "add-wechat",
                             service.StepInput(done=True, evidence_text="好"),
                             now=utcnow() - timedelta(days=3))
    db.session.commit()
    assert step.done_at is not None
    _save(employee, late.id, "first-visit", evidence_number="3")
    assert 'data-testid="late"' in employee.get(f"/practice/runs/{late.id}").text


def test_other_peoples_runs_are_not_found(app, client, auth, demo):
    run = make_run(status="returned")
    for login in ("supervisor", "trainer", "10012"):
        other = app.test_client()
        other.post("/auth/login", data={"login": login, "password": "demo1234"})
        assert other.get(f"/practice/runs/{run.id}").status_code == 404, login
        assert _save(other, run.id, "add-wechat", evidence_text="x").status_code == 404
        assert other.post(f"/practice/runs/{run.id}/submit").status_code == 404
        assert "CRM-2026-000123" not in other.get("/practice/").text


def test_photos_are_served_only_to_those_who_may_see_the_run(app, employee):
    run = make_run()
    _save(employee, run.id, "screenshot", photo=jpeg_bytes())
    photo = db.session.scalar(select(EvidencePhoto))
    own = employee.get(f"/practice/photos/{photo.id}")
    assert own.status_code == 200 and own.mimetype == "image/jpeg"
    assert "private" in own.headers["Cache-Control"] and b"Exif" not in own.data
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    assert re.search(rf'src="/practice/photos/{photo.id}"', employee.get(
        f"/practice/runs/{run.id}").text)
    expected = {"supervisor": 200, "admin": 200, "trainer": 404, "10012": 404, "10005": 404}
    for login, status in expected.items():
        other = app.test_client()
        other.post("/auth/login", data={"login": login, "password": "demo1234"})
        assert other.get(f"/practice/photos/{photo.id}").status_code == status, login
    anonymous = app.test_client().get(f"/practice/photos/{photo.id}")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.location
    assert employee.get("/practice/photos/99999999").status_code == 404


def test_a_module_outside_ones_audience_cannot_be_started(employee):
    make_practice_sop("for-nurses", positions=("护士",))
    assert employee.get("/practice/start/for-nurses").status_code == 404
    assert _start(employee, "for-nurses").status_code == 404
    assert "for-nurses" not in employee.get("/practice/").text


def test_my_runs_lists_every_status(employee):
    from tests.practice_factories import runs_in_every_status

    runs = runs_in_every_status()
    page = employee.get("/practice/").text
    for status in runs:
        assert f'data-testid="runs-{status}"' in page
    assert page.count('data-testid="run-card"') == 4


def test_the_coach_button_saves_and_shows_the_report(employee):
    run = make_run()
    response = _save(employee, run.id, "add-wechat", done=False, action="coach",
                     script_draft="保证100%有效，{客户称呼}您好")
    assert response.status_code == 302 and "coach=add-wechat" in response.location
    page = employee.get(response.location).text
    assert 'data-testid="coach-box"' in page and 'data-testid="coach-report"' in page
    assert run.steps[0].script_draft.startswith("保证")


def test_return_run_factory_keeps_round_numbers(app, demo):
    run = make_run(status="submitted")
    return_run(run)
    db.session.commit()
    assert (run.status, run.round) == ("returned", 2)


def test_an_assigned_module_outside_ones_audience_can_be_started(employee):
    from app.models.base import utcnow
    from app.services.assign.assignments import AssignmentData, create_assignment

    module = make_practice_sop("assigned-nurse-sop", positions=("护士",))
    assert employee.get("/practice/start/assigned-nurse-sop").status_code == 404
    create_assignment(person("admin"), AssignmentData(
        kind="sop", item_id=module.id, user_ids=[person("employee").id], practice_runs=2),
        utcnow())
    db.session.commit()
    assert "assigned-nurse-sop" in employee.get("/practice/").text
    assert _start(employee, "assigned-nurse-sop").status_code == 302
    assert _run().module_id == module.id
