"""In Chromium, CSRF on: a trainer publishes a new SOP version that requires re-acknowledgement;
an employee on a phone (390×844) sees 需重新确认 and confirms it. And a lesson holding the
nastiest XSS payloads opens without any dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Acknowledgement, SopModule, SopStep, SopVersion
from app.services.demo import seed_demo
from tests.e2e.conftest import DESKTOP, PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.learning_factories import make_course, make_sop, person

NASTY = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(2)>",
    '<a href="javascript:alert(3)">点我</a>',
    "[点我](javascript:alert(4))",
    "![x](x\" onerror=\"alert(5))",
    '<iframe src="javascript:alert(6)"></iframe>',
    "<body onload=alert(7)>",
    '<details open ontoggle=alert(8)>',
    '"><script>alert(9)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
    "<a href=\"&#106;avascript:alert(11)\">编码</a>",
]


INJECTED = """() => ({
    scripts: [...document.scripts].filter(s => !s.src).length,
    handlers: [...document.querySelectorAll('*')].filter(
        el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
    jsLinks: [...document.querySelectorAll('a[href], iframe, img[src]')].filter(
        el => /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src') || '')
    ).length,
})"""


@pytest.fixture(scope="module")
def live_app(make_app):
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        make_sop("reack-e2e", title="回访话术 SOP")
        body = "课时开头的正文。\n\n" + "\n\n".join(NASTY)
        make_course("xss-e2e", [("nasty", "<script>alert('title')</script>课时", body)],
                    title="<img src=x onerror=alert('course')>安全课程")
        yield app




def test_trainer_requires_reacknowledgement_and_employee_confirms_again(browser, live_server):
    employee = sign_in(browser, live_server, "employee", PHONE)
    employee.goto("/learn/sop/reack-e2e")
    employee.get_by_test_id("acknowledge").click()
    expect(employee.get_by_test_id("ack-done")).to_contain_text("v1")

    module = db.session.scalar(select(SopModule).where(SopModule.slug == "reack-e2e"))
    step_id = db.session.scalar(select(SopStep.id).where(SopStep.module_id == module.id))
    trainer = sign_in(browser, live_server, "trainer", PHONE)
    trainer.goto(f"/manage/steps/{step_id}/edit")
    trainer.locator("textarea[name=instructions]").fill("新的做法：回访前先核对复查时间。")
    trainer.locator("form button[type=submit].primary").first.click()
    trainer.goto(f"/manage/sop/{module.id}/publish")
    trainer.locator("textarea[name=change_note], input[name=change_note]").fill("回访流程调整")
    trainer.locator("input[name=requires_reack]").check()
    trainer.get_by_test_id("publish").click()
    expect(trainer.locator("body")).to_contain_text("2")
    db.session.expire_all()
    latest = db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id)
                               .order_by(SopVersion.number.desc()).limit(1))
    assert latest.number == 2 and latest.requires_reack

    employee.goto("/learn/")
    card = employee.get_by_test_id("sop-card").filter(has_text="回访话术 SOP")
    expect(card).to_contain_text("需重新确认")
    card.click()
    expect(employee.get_by_test_id("reack-banner")).to_contain_text("回访流程调整")
    expect(employee.get_by_text("新的做法：回访前先核对复查时间。")).to_be_visible()
    assert employee.evaluate("document.documentElement.scrollWidth") <= 391
    employee.get_by_test_id("acknowledge").click()
    expect(employee.get_by_test_id("ack-done")).to_contain_text("v2")
    employee.goto("/learn/")
    expect(employee.get_by_test_id("sop-card").filter(has_text="回访话术 SOP")) \
        .not_to_contain_text("需重新确认")
    db.session.expire_all()
    versions = db.session.scalars(select(SopVersion.number).join(
        Acknowledgement, Acknowledgement.version_id == SopVersion.id).where(
        Acknowledgement.user_id == person("employee").id)).all()
    assert sorted(versions) == [1, 2]
    employee.context.close()
    trainer.context.close()


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390x844", "1280x800"])
def test_a_lesson_full_of_xss_payloads_opens_without_any_dialog(browser, live_server, device):
    page = sign_in(browser, live_server, "employee", device)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in ["/learn/", "/learn/courses/xss-e2e", "/learn/search?q=alert",
                "/learn/courses/xss-e2e/nasty"]:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate(INJECTED) == {"scripts": 0, "handlers": 0, "jsLinks": 0}, url
    expect(page.locator("body")).to_contain_text("课时开头的正文。")
    page.mouse.wheel(0, 5000)
    page.wait_for_timeout(300)
    assert dialogs == []
    page.context.close()
