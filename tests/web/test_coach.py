"""POST /coach/check: the script coach for coach.js — findings, key points of a published
step or of the user's own short answer, placeholders, the rendered report (escaped), bad
input answered 400 with a message, other people's questions 404, and never a 500."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import SopVersion, SopVersionStep
from app.models.base import utcnow
from app.services.quiz import attempts
from tests.html_safety import read_payloads, unsafe_parts
from tests.learning_factories import make_sop, person
from tests.naughty import representative
from tests.quiz_factories import make_quiz, short_answer, single
from tests.web.quiz_helpers import shown

URL = "/coach/check"
STEP = {"key": "invite", "title": "邀约面诊", "script": "{客户称呼}您好，欢迎来{机构名称}面诊。",
        "key_points": [{"point": "邀约面诊", "synonyms": ["面诊", "来院"]},
                       {"point": "说明风险", "synonyms": ["风险"]}]}


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def _post(client, **fields):
    return client.post(URL, json=fields)


def _step_id() -> int:
    module = make_sop("coach-sop", [STEP])
    version = db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id))
    return db.session.scalar(select(SopVersionStep.id).where(
        SopVersionStep.version_id == version.id))


def _short_answer_row(login: str, mode: str = "practice"):
    quiz = make_quiz([single(), short_answer()], mode=mode)
    attempt = attempts.start(quiz, person(login), utcnow())
    db.session.commit()
    return next(r for r in attempt.questions if r.version.data["type"] == "short_answer")


def test_a_reply_is_checked(employee):
    response = _post(employee, text="您好，这个项目零风险，第一次到院请提前预约。")
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"findings", "key_points", "placeholders", "notes", "html"}
    [finding] = data["findings"]
    assert (finding["term"], finding["start"], finding["end"]) == ("零风险", 7, 10)
    assert finding["reason"] and finding["suggestion"] and finding["category"]
    assert '<mark class="coach-risk" data-finding="1">零风险<sup>1</sup></mark>' in data["html"]
    assert finding["reason"] in data["html"]


def test_a_form_post_works_too(employee):
    response = employee.post(URL, data={"text": "保证效果"})
    assert response.status_code == 200
    assert [f["term"] for f in response.get_json()["findings"]] == ["保证"]


def test_a_clean_reply_says_so(employee):
    data = _post(employee, text="您好，欢迎来院面诊。").get_json()
    assert data["findings"] == [] and shown("No risky wording found.") in data["html"]


def test_a_published_step_brings_its_key_points_and_template(employee):
    step_id = _step_id()
    data = _post(employee, text="{客户称呼}您好，欢迎来院面诊。", sop_step=step_id).get_json()
    assert data["key_points"] == [
        {"point": "邀约面诊", "covered": True, "matched": "面诊"},
        {"point": "说明风险", "covered": False, "matched": ""}]
    assert data["placeholders"] == [{"text": "{客户称呼}", "start": 0, "end": 6}]
    assert "✗" in data["html"] and "{客户称呼}" in data["html"]


def test_ids_may_come_as_strings(employee):
    step_id = _step_id()
    response = employee.post(URL, data={"text": "欢迎来院", "sop_step": str(step_id)})
    assert response.get_json()["key_points"][0]["covered"] is True


def test_an_unknown_step_is_404(employee):
    response = _post(employee, text="你好", sop_step=999999)
    assert response.status_code == 404 and response.get_json()["error"]


def test_the_users_own_short_answer_uses_the_rubric_and_expects_placeholders(employee):
    row = _short_answer_row("employee")  # rubric: 共情, 不承诺效果
    data = _post(employee, text="{客户称呼}，我理解您的顾虑，先共情再说。",
                 attempt_question=row.id).get_json()
    assert [(p["point"], p["covered"]) for p in data["key_points"]] == [
        ("共情", True), ("不承诺效果", False)]
    assert data["placeholders"] == []


def test_an_exam_does_not_show_the_rubric(employee):
    row = _short_answer_row("employee", mode="exam")
    data = _post(employee, text="保证效果", attempt_question=row.id).get_json()
    assert data["key_points"] == [] and [f["term"] for f in data["findings"]] == ["保证"]


@pytest.mark.parametrize("login", ["supervisor", "trainer", "admin"])
def test_someone_elses_attempt_question_is_404(client, auth, demo, login):
    row = _short_answer_row("employee")
    auth.as_role(login)
    response = _post(client, text="你好", attempt_question=row.id)
    assert response.status_code == 404
    assert "共情" not in response.text


def test_anonymous_goes_to_sign_in(client, demo):
    response = client.post(URL, json={"text": "保证效果"})
    assert response.status_code == 302 and "/auth/login" in response.location


@pytest.mark.parametrize("body,message", [
    ({}, "Write the reply you would send first."),
    ({"text": "   "}, "Write the reply you would send first."),
    ({"text": 42}, "Write the reply you would send first."),
    ({"text": ["保证"]}, "Write the reply you would send first."),
    ({"text": "好", "sop_step": "abc"}, "The request could not be read."),
    ({"text": "好", "sop_step": 1.5}, "The request could not be read."),
    ({"text": "好", "attempt_question": True}, "The request could not be read."),
    ({"text": "好", "sop_step": "99999999999999999999"}, "The request could not be read."),
    ({"text": "保\x00证"}, "The reply contains characters that cannot be checked."),
])
def test_bad_input_is_400_with_a_message(employee, body, message):
    response = employee.post(URL, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"] == str(shown(message)).replace("&#39;", "'")


def test_too_long_a_reply_is_400_naming_the_limit(employee):
    response = _post(employee, text="好" * 2001)
    assert response.status_code == 400
    assert "2000" in response.get_json()["error"] and "2001" in response.get_json()["error"]
    assert _post(employee, text="好" * 2000).status_code == 200


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"null"])
def test_a_body_that_is_not_a_json_object_is_400(employee, raw):
    response = employee.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_csrf_token_in_the_header_as_coach_js_sends_it(app, client, demo):
    def token_of(page: str) -> str:
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    client.post("/auth/login", data={"login": "employee", "password": "demo1234",
                                     "csrf_token": token_of(client.get("/auth/login").text)})
    token = token_of(client.get("/learn/").text)
    assert client.post(URL, json={"text": "保证"}).status_code == 400  # no token
    response = client.post(URL, json={"text": "保证"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def _assert_safe(data: dict, text: str) -> None:
    assert unsafe_parts(data["html"]) == []
    for finding in data["findings"]:
        assert text[finding["start"]:finding["end"]] == finding["term"]


def test_xss_payloads_come_back_escaped(employee, shared_dir):
    payloads = read_payloads(shared_dir)
    batch: list[str] = []
    for payload in [*payloads, None]:
        if payload is not None and sum(len(p) + 12 for p in batch) + len(payload) < 1900:
            batch.append(payload)
            continue
        text = "\n".join(f"保证{p}最好的{{客户称呼}}" for p in batch)
        response = _post(employee, text=text)
        assert response.status_code == 200, text
        _assert_safe(response.get_json(), text)
        batch = [payload] if payload is not None and len(payload) < 1900 else []


def test_naughty_strings_never_break_it(employee, shared_dir):
    path = shared_dir / "testdata/blns/blns.json"
    if not path.is_file():
        pytest.skip("the naughty strings are not available")
    for string in representative(json.loads(path.read_text(encoding="utf-8"))):
        text = f"保证{string}第一"
        response = _post(employee, text=text)
        assert response.status_code in (200, 400), repr(text)  # 400: a NUL character
        if response.status_code == 200:
            _assert_safe(response.get_json(), text)
        response = _post(employee, text="好", sop_step=string)  # "" = none; "0": no such step
        assert response.status_code in ((200,) if string == "" else (400, 404)), repr(string)


def test_the_short_answer_question_offers_the_coach(employee):
    quiz = make_quiz([short_answer(), single()], mode="practice")
    start = employee.post(f"/learn/quizzes/{quiz.slug}/start")
    page = employee.get(start.location).text
    assert 'data-coach-url="/coach/check"' in page
    assert re.search(r'data-coach-attempt-question="\d+"', page)
    assert "/static/js/coach.js" in page
    assert shown("Check my wording") in page
    single_page = employee.get(start.location + "?q=1").text
    assert "data-coach-url" not in single_page and "coach.js" not in single_page
