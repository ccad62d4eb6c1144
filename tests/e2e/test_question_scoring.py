"""In a real browser with CSRF protection on, on a phone: a trainer writes a 多选题 and the
scoring box follows the typing (js/scoring.js): 全选 and 只选一个正确项 for the default rule,
the warning when per-option weights would let 全选 win, and its end once wrong options cost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.quiz import bank_authoring
from tests.e2e.conftest import PHONE, demo_app, sign_in


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on, so the preview must send its token."""
    with demo_app(make_app, WTF_CSRF_ENABLED=True) as app:
        yield app


def test_the_scoring_box_follows_the_typing(browser, live_server, live_app):
    bank_id = bank_authoring.create_bank("术后护理").id
    db.session.commit()
    page = sign_in(browser, live_server, "trainer", PHONE)
    try:
        page.goto(f"/manage/banks/{bank_id}/questions/new?type=multiple_choice")
        box = page.get_by_test_id("scoring-preview")
        expect(box.get_by_test_id("scoring-missing")).to_be_visible()
        page.locator("textarea[name=stem]").fill("术后护理要做哪些？")
        for index, text in enumerate(("冰敷", "桑拿", "防晒", "热敷")):
            page.locator(f"input[name=options-{index}-text]").fill(text)
        page.locator("input[name=options-0-correct]").check()
        page.locator("input[name=options-2-correct]").check()
        page.locator("input[name=points]").fill("2")
        expect(box.get_by_test_id("tick-all")).to_have_attribute("data-points", "0")
        expect(box.get_by_test_id("one-right")).to_have_attribute("data-points", "1")

        page.locator("select[name=scoring]").select_option("weights")
        expect(box.get_by_test_id("tick-all")).to_have_attribute("data-points", "2")
        expect(box.get_by_test_id("tick-all-warning")).to_be_visible()
        page.locator("input[name=options-1-credit]").fill("-50")
        page.locator("input[name=options-3-credit]").fill("-50")
        expect(box.get_by_test_id("tick-all")).to_have_attribute("data-points", "0")
        expect(box.get_by_test_id("tick-all-warning")).to_have_count(0)

        page.get_by_test_id("save").click()
        expect(page.get_by_test_id("question-page")).to_be_visible()
        expect(page.get_by_test_id("scoring-rule")).to_have_attribute("data-rule", "weights")
    finally:
        page.context.close()
