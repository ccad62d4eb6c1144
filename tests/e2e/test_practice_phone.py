"""On a phone (390×844) in a real browser with CSRF protection on, the demo employee starts a
practice run from the SOP page, ticks a step with its evidence, uploads a photo, and hands
the run in: one column, large touch targets, nothing fetched from another site."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.demo import seed_demo
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.practice_factories import jpeg_bytes, make_practice_sop

STEPS = [
    {"key": "write", "title": "记录添加结果", "timing": "离院后24小时内", "evidence_type": "text",
     "script": "{客户称呼}您好，我是{员工姓名}。"},
    {"key": "shot", "title": "沟通截图", "timing": "", "evidence_type": "photo"},
]


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on, a two-step SOP meant for everyone."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        make_practice_sop("phone-practice", STEPS, title="手机实操")
        yield app


def _too_small(page) -> list[str]:
    """Visible buttons, ticks and file inputs of the run page lower than 44 px."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '.run-step button, .run-step .tick, .run-step input[type=file], #submit button')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
        .map(e => e.outerHTML.slice(0, 80))""")


def test_a_run_on_a_phone(browser, live_server, tmp_path):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    page.goto("/learn/sop/phone-practice")
    page.get_by_test_id("start-practice").click()
    page.locator("input[name=case_code]").fill("CRM-2026-000123")
    page.get_by_test_id("start-submit").click()
    expect(page.get_by_test_id("run-page")).to_be_visible()
    page.wait_for_load_state("load")  # sizes are measured with the stylesheet applied
    assert not _too_small(page), _too_small(page)
    first = page.locator("#step-write")
    first.locator("textarea[name$='.evidence_text']").fill("已通过企业微信添加")
    first.locator("input[name$='.done'][type=checkbox]").check()
    # 保存 posts the whole page; the step's autosave may show it done before that page is
    # back, and a tap on the page being left would be lost: wait for the new page.
    with page.expect_navigation():
        first.get_by_test_id("save-step").click()
    expect(page.locator("#step-write")).to_have_attribute("data-done", "yes")
    photo = tmp_path / "screen.jpg"
    photo.write_bytes(jpeg_bytes())
    second = page.locator("#step-shot")
    second.locator("input[name$='.photo']").set_input_files(str(photo))
    second.locator("input[name$='.done'][type=checkbox]").check()
    with page.expect_navigation():
        second.get_by_test_id("save-step").click()
    expect(page.get_by_test_id("evidence-photo")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"{width}px wide"
    page.get_by_test_id("submit-run").click()
    expect(page.get_by_test_id("waiting")).to_be_visible()
    page.screenshot(path=str(tmp_path / "run.png"), full_page=True)
    page.context.close()
    assert not [url for url in requested if not url.startswith(live_server + "/")]
