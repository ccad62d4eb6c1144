"""Reviewing practice runs over HTTP: the queue, the run page, return → rework → sign off
with every round kept; the nav badge; the trainer's rubric; XSS payloads and naughty strings
in comments and reasons."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models import PracticeRun, RunReview, SopModule
from tests.html_safety import read_payloads, unsafe_parts
from tests.practice_factories import make_practice_sop, make_run
from tests.review_helpers import FULL_SCORES, other_supervisor, rework

SCORES = {f"score:{key}": str(value) for key, value in FULL_SCORES.items()}


@pytest.fixture
def submitted(demo) -> PracticeRun:
    return make_run("employee", status="submitted", case_code="CRM-2026-000777")


def _run(run_id: int) -> PracticeRun:
    db.session.expire_all()
    return db.session.get(PracticeRun, run_id)


def test_return_rework_sign_off_keeps_both_rounds(client, auth, submitted):
    auth.as_role("supervisor")
    queue = client.get("/review/").text
    assert "王小雨" in queue and "CRM-2026-000777" in queue
    assert re.search(r'data-testid="review-tab">[^<]*<span class="badge warn">1</span>', queue)
    page = client.get(f"/review/runs/{submitted.id}").text
    assert 'data-testid="review-form"' in page and page.count('data-testid="review-step"') == 5
    assert "说明身份" in page and "员工姓名" in page  # the pinned version's SOP text
    assert f"/practice/photos/{submitted.steps[3].photo_id}" in page
    returned = client.post(f"/review/runs/{submitted.id}", data={
        "decision": "returned", "reason": "回访话术缺少复查提醒",
        "comment:first-visit": "请补充复查时间", "score:accuracy": "2"})
    assert returned.status_code == 302 and returned.location.endswith("/review/")
    assert (_run(submitted.id).status, _run(submitted.id).round) == ("returned", 2)

    auth.logout()
    auth.as_role("employee")
    assert client.get(f"/practice/runs/{submitted.id}").status_code == 200
    assert "退回" in client.get("/notifications/").text or "rework" in client.get(
        "/notifications/").text
    rework(_run(submitted.id), note="第二轮：已补充复查时间")

    auth.logout()
    auth.as_role("supervisor")
    page = client.get(f"/review/runs/{submitted.id}").text
    assert 'data-testid="review-form"' in page and 'data-round="1"' in page
    assert "请补充复查时间" in page and "回访话术缺少复查提醒" in page
    signed = client.post(f"/review/runs/{submitted.id}", data={"decision": "signed_off",
                                                                **SCORES})
    assert signed.status_code == 302 and _run(submitted.id).status == "signed_off"

    page = client.get(f"/review/runs/{submitted.id}").text
    assert 'data-testid="review-form"' not in page and 'data-testid="not-waiting"' in page
    assert 'data-round="1"' in page and 'data-round="2"' in page
    assert "第二轮：已补充复查时间" in page and "已完成" in page  # both snapshots
    assert "陈主管" in page and "4/5" in page
    assert "王小雨" not in client.get("/review/").text


def test_refusals_show_the_form_again_with_what_was_typed(client, auth, submitted):
    auth.as_role("supervisor")
    response = client.post(f"/review/runs/{submitted.id}", data={
        "decision": "returned", "reason": "", "comment:survey": "保留这条评语",
        "score:accuracy": "3"})
    assert response.status_code == 200 and "保留这条评语" in response.text
    assert 'value="3" checked' in response.text and "has-error" in response.text
    response = client.post(f"/review/runs/{submitted.id}", data={"decision": "signed_off"})
    assert "from 1 to 5" in response.text or "1 到 5" in response.text or "1-5" in response.text
    response = client.post(f"/review/runs/{submitted.id}", data={
        "decision": "signed_off", **SCORES, "comment:survey": "电话13812345678"})
    assert response.status_code == 200 and _run(submitted.id).status == "submitted"


def test_a_run_decided_meanwhile_is_shown_read_only_with_who_decided(client, auth, submitted):
    from tests.review_helpers import decide

    auth.as_role("supervisor")
    assert 'data-testid="review-form"' in client.get(f"/review/runs/{submitted.id}").text
    decide(_run(submitted.id), "admin", "signed_off")
    late = client.post(f"/review/runs/{submitted.id}", data={"decision": "returned",
                                                              "reason": "晚了一步"})
    assert late.status_code == 200 and "系统管理员" in late.text
    assert 'data-testid="review-form"' not in late.text
    assert db.session.scalar(select(db.func.count(RunReview.id))) == 1


def test_runs_out_of_scope_are_not_found(client, auth, app, submitted):
    own = make_run("supervisor", make_practice_sop("own"), status="submitted")
    outsider = other_supervisor()
    auth.as_role("supervisor")
    assert client.get(f"/review/runs/{own.id}").status_code == 404
    assert client.post(f"/review/runs/{own.id}", data={"decision": "signed_off",
                                                         **SCORES}).status_code == 404
    assert client.get("/review/runs/2147483647").status_code == 404
    auth.logout()
    auth.login(outsider.login)
    assert client.get(f"/review/runs/{submitted.id}").status_code == 404
    assert "王小雨" not in client.get("/review/").text
    auth.logout()
    auth.as_role("employee")
    assert client.get(f"/review/runs/{submitted.id}").status_code == 403
    assert 'data-testid="review-tab"' not in client.get("/learn/").text


def test_department_filter_and_oldest_first(client, auth, demo):
    module = make_practice_sop("filter-sop")
    first = make_run("employee", module, status="submitted", case_code="CASE-A")
    make_run("10009", module, status="submitted", case_code="CASE-B")  # 整形外科/病房护理组
    auth.as_role("supervisor")
    queue = client.get("/review/").text
    assert queue.index("CASE-A") < queue.index("CASE-B")
    from tests.learning_factories import department

    only = client.get(f"/review/?department={department('客服中心').id}").text
    assert "CASE-A" in only and "CASE-B" not in only
    assert client.get("/review/?department=abc&page=99").status_code == 200
    assert first.id


def test_trainer_sets_the_rubric_and_supervisors_score_it(client, auth, submitted):
    module_id = submitted.module_id
    auth.as_role("trainer")
    page = client.get(f"/manage/sop/{module_id}").text
    assert page.count('data-testid="criterion"') == 3
    refused = client.post(f"/manage/sop/{module_id}/rubric",
                          data={"criteria": "专业度\n专业度"}, follow_redirects=True)
    assert "twice" in refused.text or "重复" in refused.text
    client.post(f"/manage/sop/{module_id}/rubric", data={"criteria": "专业度\n\n 共情 \n"})
    assert db.session.get(SopModule, module_id).rubric == ["专业度", "共情"]
    auth.logout()
    auth.as_role("supervisor")
    page = client.get(f"/review/runs/{submitted.id}").text
    assert 'name="score:专业度"' in page and "score:accuracy" not in page
    client.post(f"/review/runs/{submitted.id}", data={
        "decision": "signed_off", "score:专业度": "5", "score:共情": "4"})
    review = db.session.scalar(select(RunReview))
    assert review.scores == {"专业度": 5, "共情": 4}
    auth.logout()
    auth.as_role("trainer")
    client.post(f"/manage/sop/{module_id}/rubric", data={"criteria": ""})
    assert db.session.get(SopModule, module_id).rubric is None


def test_team_member_page_lists_their_runs(client, auth, submitted):
    auth.as_role("supervisor")
    page = client.get(f"/team/members/{submitted.user_id}").text
    assert page.count('data-testid="member-run"') == 1
    assert f"/review/runs/{submitted.id}" in page and "CRM-2026-000777" in page


# ---- hostile text -------------------------------------------------------------------------

def _pages_are_safe(client, run_id: int, problems: list[str]) -> None:
    for url in (f"/review/runs/{run_id}", "/review/"):
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
        elif found := unsafe_parts(response.text, allow_our_scripts=True):
            problems.append(f"{url}: {found[:3]}")


def test_xss_payloads_in_comments_and_reasons_are_escaped(client, auth, submitted, shared_dir):
    payloads = read_payloads(shared_dir)
    sample = payloads[::len(payloads) // 24][:24]
    keys = [step.step_key for step in submitted.steps]
    auth.as_role("supervisor")
    for start in range(0, len(sample), len(keys) + 1):
        chunk = sample[start:start + len(keys) + 1]
        data = {"decision": "returned", "reason": chunk[0],
                **{f"comment:{key}": text for key, text in zip(keys, chunk[1:], strict=False)}}
        response = client.post(f"/review/runs/{submitted.id}", data=data)
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            rework(_run(submitted.id))
    assert db.session.scalar(select(db.func.count(RunReview.id))) >= 3
    problems: list[str] = []
    _pages_are_safe(client, submitted.id, problems)
    auth.logout()
    auth.as_role("employee")
    for url in (f"/practice/runs/{submitted.id}", "/notifications/"):
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
        elif found := unsafe_parts(response.text, allow_our_scripts=True):
            problems.append(f"{url}: {found[:3]}")
    assert not problems, problems


def test_naughty_strings_never_fail_and_are_kept_as_typed(client, auth, submitted, shared_dir):
    path = shared_dir / "testdata/blns/blns.json"
    if not path.is_file():
        pytest.skip("the naughty strings are not available")
    strings = json.loads(path.read_text(encoding="utf-8"))[::4] + ["\x00", "NUL\x00inside"]
    auth.as_role("supervisor")
    accepted = []
    for text in strings:
        response = client.post(f"/review/runs/{submitted.id}", data={
            "decision": "returned", "reason": text, "comment:survey": text})
        assert response.status_code in (200, 302), repr(text)
        if response.status_code == 302:
            accepted.append(text.replace("\r\n", "\n").replace("\r", "\n"))
            rework(_run(submitted.id))
    reasons = list(db.session.scalars(select(RunReview.reason).order_by(RunReview.id)))
    assert reasons == accepted and len(accepted) > 50
    page = client.get(f"/review/runs/{submitted.id}")
    assert page.status_code == 200 and not unsafe_parts(page.text, allow_our_scripts=True)
    assert all(str(escape(text)) in page.text for text in accepted[:40] if text.strip())
