"""The whole practice loop in a real browser with CSRF on: the employee, on a phone
(390×844), runs an SOP with a photo and a script draft and hands it in; the supervisor, at
1280×800, returns it with a comment on a step; the employee sees why, fixes the step and
hands it in again; the supervisor scores it and signs it off; the employee sees it signed off
and both rounds stay in the history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.demo import seed_demo
from tests.e2e.conftest import DESKTOP, PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.practice_factories import jpeg_bytes, make_practice_sop

STEPS = [
    {"key": "greet", "title": "添加后发送欢迎语", "timing": "添加好友后24小时内",
     "evidence_type": "text",
     "script": "{客户称呼}您好，我是{员工姓名}，之后由我跟进您的术后恢复。"},
    {"key": "shot", "title": "上传发送记录截图", "timing": "", "evidence_type": "photo"},
]


@pytest.fixture(scope="module")
def live_app(make_app):
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        make_practice_sop("loop-practice", STEPS, title="术后随访实操")
        yield app


def _employee_fills_and_hands_in(page, tmp_path) -> None:
    page.goto("/learn/sop/loop-practice")
    page.get_by_test_id("start-practice").click()
    page.locator("input[name=case_code]").fill("CRM-2026-004567")
    page.get_by_test_id("start-submit").click()
    greet = page.locator("#step-greet")
    greet.locator("textarea[name$='.evidence_text']").fill("已添加企业微信")
    greet.locator("textarea[name$='.script_draft']").fill("王女士您好，我是小李，之后由我跟进您的术后恢复。")
    greet.locator("input[name$='.done'][type=checkbox]").check()
    with page.expect_navigation():  # 保存 posts the page: wait for the new one
        greet.get_by_test_id("save-step").click()
    expect(page.locator("#step-greet")).to_have_attribute("data-done", "yes")
    photo = tmp_path / "chat.jpg"
    photo.write_bytes(jpeg_bytes())
    shot = page.locator("#step-shot")
    shot.locator("input[name$='.photo']").set_input_files(str(photo))
    shot.locator("input[name$='.done'][type=checkbox]").check()
    with page.expect_navigation():  # 保存 posts the page: wait for the new one
        shot.get_by_test_id("save-step").click()
    expect(page.get_by_test_id("evidence-photo")).to_be_visible()
    page.get_by_test_id("submit-run").click()
    expect(page.get_by_test_id("waiting")).to_be_visible()


def _supervisor_opens_the_waiting_run(page) -> str:
    page.goto("/review/")
    page.get_by_test_id("waiting-run").first.locator("a").first.click()
    expect(page.get_by_test_id("review-form")).to_be_visible()
    return page.url


def test_submit_return_rework_sign_off(browser, live_server, tmp_path):
    phone = sign_in(browser, live_server, "employee", PHONE)
    _employee_fills_and_hands_in(phone, tmp_path)
    desk = sign_in(browser, live_server, "supervisor", DESKTOP)

    _supervisor_opens_the_waiting_run(desk)
    expect(desk.get_by_test_id("review-step").first).to_contain_text("小李")
    desk.get_by_test_id("review-step").first.locator("textarea").fill("欢迎语里要说明可以随时联系医生团队")
    desk.locator("textarea[name=reason]").fill("欢迎语缺少紧急联系方式")
    desk.get_by_test_id("return").click()
    expect(desk.get_by_test_id("review-queue")).to_be_visible()  # back to the queue …
    expect(desk.get_by_test_id("waiting-run")).to_have_count(0)  # … which is empty now

    phone.reload()
    expect(phone.get_by_test_id("returned-banner")).to_contain_text("欢迎语缺少紧急联系方式")
    expect(phone.locator("#step-greet")).to_contain_text("欢迎语里要说明可以随时联系医生团队")
    greet = phone.locator("#step-greet")
    greet.locator("textarea[name$='.script_draft']").fill(
        "王女士您好，我是小李，之后由我跟进您的术后恢复；有任何不适请随时联系医生团队。")
    with phone.expect_navigation():  # 保存 posts the page: a tap on the old one is lost
        greet.get_by_test_id("save-step").click()
    phone.get_by_test_id("submit-run").click()
    expect(phone.get_by_test_id("waiting")).to_be_visible()

    run_url = _supervisor_opens_the_waiting_run(desk)
    for scale in desk.get_by_test_id("rubric").locator(".scale").all():
        scale.locator("input[value='4']").check()
    desk.get_by_test_id("sign-off").click()
    expect(desk.get_by_test_id("waiting-run")).to_have_count(0)
    desk.goto(run_url)
    expect(desk.get_by_test_id("review-run")).to_have_attribute("data-status", "signed_off")
    desk.screenshot(path=str(tmp_path / "review.png"), full_page=True)

    phone.reload()
    expect(phone.get_by_test_id("signed-off")).to_be_visible()
    rounds = phone.get_by_test_id("rounds")
    rounds.locator("summary").click()
    expect(rounds).to_contain_text("欢迎语缺少紧急联系方式")
    phone.context.close()
    desk.context.close()
