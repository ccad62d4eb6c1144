"""On a phone (390×844) in a real browser with CSRF protection on, the demo employee writes a
short answer in a practice quiz and presses 检查话术: coach.js posts it (X-CSRFToken header) and
shows the report under the textarea — the risky term highlighted with its reason, the rubric's
key points, the text typed shown as text — without leaving or saving the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.demo import seed_demo
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.quiz_factories import make_quiz, short_answer


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on, a practice quiz with a short answer."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        make_quiz([short_answer()], slug="coach-drill", title="话术练习", mode="practice")
        yield app


def test_the_coach_checks_a_short_answer_on_a_phone(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    page.goto("/learn/quizzes/coach-drill")
    page.locator("form[action$='/start'] button[type=submit]").first.click()
    page.wait_for_load_state("load")
    answer = page.locator("textarea[name=response]")
    answer.fill("理解您的顾虑，这个项目零风险<b>放心</b>")
    page.get_by_test_id("coach-check").click()
    report = page.get_by_test_id("coach-report")
    expect(report).to_be_visible()
    expect(report.locator("mark.coach-risk")).to_have_text("零风险1")
    expect(report.get_by_test_id("coach-findings")).to_contain_text("广告法")
    expect(report.get_by_test_id("coach-text")).to_contain_text("<b>放心</b>")
    points = report.get_by_test_id("coach-key-points")  # the rubric: 共情, 不承诺效果
    expect(points.locator("li")).to_have_count(2)
    assert answer.input_value().endswith("<b>放心</b>")  # still there, nothing was submitted
    assert "/learn/attempts/" in page.url and "?" not in page.url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"{width}px wide"
    page.context.close()
    assert not [url for url in requested if not url.startswith(live_server + "/")]
