"""The run page is one form (no JavaScript needed): any save button saves every step on the
page, 提交审核 saves what the page sent before handing in (and keeps it when the run is not
ready), and the autosave (JSON) changes only the fields it sent."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import PracticeRun, RunSubmission
from tests.practice_factories import jpeg_bytes, make_run
from tests.web.quiz_helpers import shown


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def page_fields(**steps: dict) -> dict:
    """The run page's fields for the steps given: s.<key>.<field>, the tick as "0"[, "1"]."""
    data = {}
    for key, fields in steps.items():
        fields = dict(fields)
        done = fields.pop("done", False)
        data[f"s.{key}.done"] = ["0", "1"] if done else ["0"]
        data.update({f"s.{key}.{name}": value for name, value in fields.items()})
    return data


def _steps(run) -> dict:
    db.session.expire_all()
    return {step.step_key: step for step in run.steps}


ALL_DONE = {
    "add-wechat": {"done": True, "evidence_text": "已添加", "note": "第一步", "script_draft": ""},
    "first-visit": {"done": True, "evidence_number": "15", "note": ""},
    "survey": {"done": True, "evidence_link": "https://example.com/s/1", "note": ""},
    "screenshot": {"done": True, "note": "截图"},
    "handover": {"done": True, "note": "已交接"},
}


def test_the_page_is_one_form_with_every_step(employee):
    run = make_run()
    page = employee.get(f"/practice/runs/{run.id}").text
    assert page.count("<form method=\"post\" enctype=\"multipart/form-data\"") == 1
    assert f'action="/practice/runs/{run.id}/save"' in page
    for key in ALL_DONE:
        assert f'name="s.{key}.done" value="0"' in page and f'name="s.{key}.note"' in page
    assert f'formaction="/practice/runs/{run.id}/submit"' in page and "js/run.js" in page


def test_one_save_button_saves_every_step(employee):
    run = make_run()
    data = page_fields(**ALL_DONE) | {"action": "save:first-visit"}
    data["s.screenshot.photo"] = (io.BytesIO(jpeg_bytes()), "shot.jpg")
    response = employee.post(f"/practice/runs/{run.id}/save", data=data,
                             content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("#step-first-visit")
    steps = _steps(run)
    assert all(step.done_at is not None for step in steps.values())
    assert steps["add-wechat"].note == "第一步" and steps["handover"].note == "已交接"
    assert steps["first-visit"].evidence_number == 15 and steps["screenshot"].photo_id
    page = employee.get(response.location).text
    assert page.count('data-done="yes"') == 5 and "已交接" in page


def test_saving_step_three_keeps_what_was_typed_in_step_one(employee):
    run = make_run()
    fields = {key: {"done": False, "note": ""} for key in ALL_DONE}
    fields["add-wechat"] = {"done": True, "evidence_text": "第一步写的", "note": ""}
    fields["survey"] = {"done": True, "evidence_link": "https://example.com/s/3", "note": ""}
    employee.post(f"/practice/runs/{run.id}/save", data=page_fields(**fields)
                  | {"action": "save:survey"})
    steps = _steps(run)
    assert steps["add-wechat"].evidence_text == "第一步写的" and steps["add-wechat"].done_at
    assert steps["survey"].done_at is not None


def test_a_refused_field_shows_every_typed_value_again_and_saves_the_rest(employee):
    run = make_run()
    fields = dict(ALL_DONE, survey={"done": True, "evidence_link": "javascript:alert(1)",
                                    "note": "问卷备注"})
    response = employee.post(f"/practice/runs/{run.id}/save", data=page_fields(**fields))
    assert response.status_code == 400
    assert response.text.count('data-testid="step-error"') == 1
    assert "javascript:alert(1)" in response.text and "问卷备注" in response.text
    steps = _steps(run)
    assert steps["survey"].done_at is None and steps["survey"].note == ""
    assert steps["add-wechat"].note == "第一步" and steps["handover"].done_at is not None


def test_hand_in_saves_the_page_first(employee):
    run = make_run()
    data = page_fields(**ALL_DONE)
    data["s.screenshot.photo"] = (io.BytesIO(jpeg_bytes()), "shot.jpg")
    response = employee.post(f"/practice/runs/{run.id}/submit", data=data,
                             content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    run = db.session.get(PracticeRun, run.id)
    assert run.status == "submitted"
    snapshot = db.session.scalar(select(RunSubmission.snapshot))
    assert [step["note"] for step in snapshot["steps"]] == ["第一步", "", "", "截图", "已交接"]


def test_hand_in_with_a_step_missing_keeps_everything_typed(employee):
    run = make_run()
    fields = dict(ALL_DONE, **{"first-visit": {"done": False, "evidence_number": "",
                                               "note": "还没回访"}})
    response = employee.post(f"/practice/runs/{run.id}/submit", data=page_fields(**fields),
                             follow_redirects=True)
    assert "首次回访" in response.text and 'data-testid="waiting"' not in response.text
    assert "还没回访" in response.text and "已交接" in response.text
    steps = _steps(run)
    assert steps["add-wechat"].done_at is not None and steps["handover"].note == "已交接"
    assert steps["first-visit"].note == "还没回访"
    assert db.session.scalar(select(func.count(RunSubmission.id))) == 0


def test_hand_in_with_a_refused_field_hands_in_nothing_and_keeps_the_text(employee):
    run = make_run()
    fields = dict(ALL_DONE, handover={"done": True, "note": "客户电话 13812345678"})
    response = employee.post(f"/practice/runs/{run.id}/submit", data=page_fields(**fields))
    assert response.status_code == 400 and 'data-testid="run-alert"' in response.text
    assert "客户电话 13812345678" in response.text
    assert _steps(run)["add-wechat"].note == "第一步"
    assert db.session.scalar(select(func.count(RunSubmission.id))) == 0


def test_the_autosave_changes_only_the_fields_it_sent(employee):
    run = make_run()
    employee.post(f"/practice/runs/{run.id}/save", data=page_fields(**ALL_DONE))
    response = employee.post(f"/practice/runs/{run.id}/save",
                             data={"s.handover.note": "只改这一项"},
                             headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["saved"] is True
    assert response.json["steps"]["handover"]["done"] is True
    assert (response.json["done"], response.json["total"]) == (5, 5)
    assert response.json["ready"] is False  # the screenshot step has no photo yet
    steps = _steps(run)
    assert steps["handover"].note == "只改这一项" and steps["handover"].done_at is not None
    assert steps["add-wechat"].note == "第一步"
    refused = employee.post(f"/practice/runs/{run.id}/save",
                            data={"s.first-visit.evidence_number": "很多"},
                            headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.json["saved"] is False
    assert refused.json["errors"]["first-visit"]["field"] == "evidence_number"
    assert _steps(run)["first-visit"].evidence_number == 15


def test_a_handed_in_run_refuses_the_autosave(employee):
    run = make_run(status="submitted")
    response = employee.post(f"/practice/runs/{run.id}/save", data={"s.handover.note": "改"},
                             headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.json["error"] == shown(
        "This run has been handed in and can no longer be changed.")
    page = employee.post(f"/practice/runs/{run.id}/save", data={"s.handover.note": "改"})
    assert page.status_code == 409 and 'data-testid="run-alert"' in page.text


def test_the_coach_button_of_the_page_saves_and_shows_the_report(employee):
    run = make_run()
    data = page_fields(**{"add-wechat": {"script_draft": "保证100%有效，{客户称呼}您好"}})
    response = employee.post(f"/practice/runs/{run.id}/save",
                             data=data | {"action": "coach:add-wechat"})
    assert response.status_code == 302 and "coach=add-wechat" in response.location
    assert 'data-testid="coach-report"' in employee.get(response.location).text
    assert _steps(run)["add-wechat"].script_draft.startswith("保证")
