"""阅卷 in a real browser (js/rubric.js): ticking rubric points fills the points field with
their sum as a suggestion; a number the grader typed is kept when more points are ticked."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, sign_in
from tests.web.quiz_helpers import quiz_with_short_answer, short_row, submit_attempt


def test_ticking_rubric_points_suggests_the_score(browser, live_server, live_app):
    row = short_row(submit_attempt(quiz_with_short_answer(), "employee"))
    page = sign_in(browser, live_server, "supervisor", DESKTOP)
    try:
        page.goto(f"/grading/answers/{row.id}")
        points, boxes = page.locator("input[name=points]"), page.locator("input[name=rubric]")
        hint = page.get_by_test_id("rubric-suggestion")
        expect(hint).to_be_hidden()
        boxes.nth(0).check()
        expect(points).to_have_value("1")
        expect(hint).to_be_visible()
        boxes.nth(1).check()
        expect(points).to_have_value("2")  # every rubric point ticked: full marks
        boxes.nth(1).uncheck()
        points.fill("0.5")  # the grader judges otherwise
        boxes.nth(1).check()
        expect(points).to_have_value("0.5")
        expect(hint.locator("output")).to_have_text("2")
    finally:
        page.context.close()
