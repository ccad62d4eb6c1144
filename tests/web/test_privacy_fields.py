"""Client privacy through the pages (docs/privacy.md): a phone or ID-card number typed into a
results note, an assignment message, a grading comment, a review reason, a path description, a
quiz answer or the coach is refused with a message naming the field; what was typed stays on
the page and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import PracticeRun, QuizAttempt
from app.models.assignments import Assignment, LearningPath, Notification
from tests.learning_factories import make_course, person
from tests.practice_factories import make_run
from tests.results_helpers import count_results, figure, metric, result_of
from tests.web.quiz_helpers import quiz_with_short_answer, short_row, shown, submit_attempt
from tests.web.quiz_web_helpers import JSON, start
from tests.web.test_results_pages import WEEK, enter, sign_in

PHONE_NOTE = "客户张三 13812345678 加了好友"
PHONE_MSG = "%(label)s looks like a mobile phone number. SOP Academy never stores clients' " \
            "phone numbers: refer to the client by the case code only."
ID_MSG = "%(label)s looks like an ID-card number. SOP Academy never stores clients' " \
         "ID-card numbers: refer to the client by the case code only."
ID_NUMBER = "110101 19900307 1237"  # a valid check character, written in groups


def refused(msgid: str, label: str) -> str:
    return shown(msgid, label=shown(label))


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_results_note_with_a_phone_number_is_refused_and_nothing_is_saved(client, demo):
    deals, friends = metric("成交数"), metric("新增企微好友")
    sign_in(client, "employee")
    page, before = client.get("/results/").text, count_results()
    assert 'data-testid="privacy-hint"' in page
    response = enter(client, {deals: "3", friends: "2"}, notes={friends: PHONE_NOTE})
    assert response.status_code == 200
    assert refused(PHONE_MSG, "Note") in response.text
    assert PHONE_NOTE in response.text  # the form keeps what was typed
    assert count_results() == before  # not even the figure without a note
    assert result_of(deals, "employee", WEEK) is None


def test_a_correction_reason_with_an_id_number_is_refused(client, demo):
    deals = metric("成交数")
    result = figure(deals, "employee", WEEK, 3)
    sign_in(client, "supervisor")
    response = client.post(f"/results/team/{result.id}/correct",
                           data={"value": "4", "note": f"身份证 {ID_NUMBER}"},
                           follow_redirects=True)
    assert refused(ID_MSG, "Reason for the correction") in response.text
    db.session.expire_all()
    assert (result_of(deals, "employee", WEEK).value, result.status) == (3.0, "entered")


def test_an_assignment_message_with_a_phone_number_is_refused(client, auth, demo):
    course = make_course("privacy-course", [("one", "第一课", "正文")])
    auth.as_role("supervisor")
    assert 'data-testid="privacy-hint"' in client.get("/team/assignments/new").text
    response = client.post("/team/assignments/new", data={
        "item": f"course:{course.id}", "user_ids": [person("employee").id], "required": "1",
        "message": "跟进客户13812345678"})
    assert response.status_code == 200
    assert refused(PHONE_MSG, "Message to the people") in response.text
    assert "跟进客户13812345678" in response.text
    assert count(Assignment) == 0 and count(Notification) == 0


def test_a_grading_comment_with_an_id_number_is_refused(client, auth, demo):
    attempt = submit_attempt(quiz_with_short_answer(), "employee")
    row = short_row(attempt)
    auth.as_role("trainer")
    response = client.post(f"/grading/answers/{row.id}",
                           data={"points": "2", "comment": f"客户证件 {ID_NUMBER} 已核对"})
    assert response.status_code == 200
    assert refused(ID_MSG, "Comment for the employee") in response.text
    assert f"客户证件 {ID_NUMBER} 已核对" in response.text
    db.session.expire_all()
    assert short_row(db.session.get(QuizAttempt, attempt.id)).needs_review


def test_a_review_reason_with_a_phone_number_is_refused(client, auth, demo):
    run = make_run("employee", status="submitted", case_code="CRM-2026-000778")
    auth.as_role("supervisor")
    response = client.post(f"/review/runs/{run.id}", data={
        "decision": "returned", "reason": "请回电 138-1234-5678 的客户"})
    assert response.status_code == 200
    assert refused(PHONE_MSG, "Reason (required when returning)") in response.text
    assert "请回电 138-1234-5678 的客户" in response.text
    assert 'data-testid="privacy-hint"' in response.text
    db.session.expire_all()
    assert db.session.get(PracticeRun, run.id).status == "submitted"


def test_a_path_description_with_a_phone_number_is_refused(trainer):
    response = trainer.post("/manage/paths/new", data={
        "title": "新人路径", "description": "有问题打 +86 138 1234 5678", "mode": "free"})
    assert response.status_code == 200
    assert refused(PHONE_MSG, "Description") in response.text
    assert "有问题打 +86 138 1234 5678" in response.text
    assert count(LearningPath) == 0


@pytest.mark.parametrize("typed", ["客户电话１３８１２３４５６７８", f"证件号{ID_NUMBER}"])
def test_an_autosaved_quiz_answer_with_a_phone_or_id_number_is_refused(client, auth, demo,
                                                                        typed):
    quiz_with_short_answer(slug="privacy-quiz")
    auth.as_role("employee")
    attempt_id = start(client, "privacy-quiz")
    response = client.post(f"/learn/attempts/{attempt_id}/answer", headers=JSON,
                           data={"position": "1", "response": typed})
    assert response.status_code == 400 and response.json["saved"] is False
    assert shown("Your answer") in response.json["error"]
    db.session.expire_all()
    assert short_row(db.session.get(QuizAttempt, attempt_id)).response is None
    fine = client.post(f"/learn/attempts/{attempt_id}/answer", headers=JSON,
                       data={"position": "1", "response": "先共情，再留病例编号 CRM-2026-000123"})
    assert fine.status_code == 200 and fine.json["saved"] is True


def test_the_coach_refuses_a_reply_with_a_phone_number(client, auth, demo):
    auth.as_role("employee")
    response = client.post("/coach/check", json={"text": "张姐您好，我的手机 13812345678"})
    assert response.status_code == 400
    assert response.json["error"] == shown(PHONE_MSG, label=shown("The reply"))
    ok = client.post("/coach/check", json={"text": "张姐您好，有问题随时打门诊电话 0755-8888 6666"})
    assert ok.status_code == 200


def test_a_quiz_answer_refused_without_javascript_is_shown_again(client, auth, demo):
    quiz_with_short_answer(slug="privacy-plain")
    auth.as_role("employee")
    attempt_id = start(client, "privacy-plain")
    response = client.post(f"/learn/attempts/{attempt_id}/answer",
                           data={"position": "1", "response": "回访客户 13912345678 时先问候"})
    assert response.status_code == 400
    assert refused(PHONE_MSG, "Your answer") in response.text
    assert "回访客户 13912345678 时先问候</textarea>" in response.text
