"""On a phone (390×844) in a real browser with CSRF on, the demo employee opens a survey
assigned to them from 我的任务, sends it without the required rating (told which question),
then taps a rating, an NPS score and a choice, types a suggestion and sends it — every tap
target fits the screen and nothing is asked of another host."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import SurveyCompletion, SurveyResponse
from app.services.demo import seed_demo
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.path_factories import assign
from tests.survey_factories import make_survey


@pytest.fixture(scope="module")
def live_app(make_app):
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        survey = make_survey([("single", "讲师讲得清楚吗？", ["清楚", "一般"], True),
                              ("rating", "课程整体评分", [], True),
                              ("nps", "您会向同事推荐吗？", [], True),
                              ("text", "还有什么建议？", [], False)], title="手机问卷")
        assign(survey, "employee")
        yield app


def test_an_employee_fills_a_survey_on_a_phone(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    page.goto("/learn/tasks")
    page.get_by_test_id("task-next").first.click()
    expect(page.get_by_test_id("survey-page")).to_be_visible()
    questions = page.get_by_test_id("survey-question")
    questions.nth(0).get_by_text("清楚", exact=True).click()
    page.get_by_test_id("send-survey").click()
    expect(questions.nth(1).get_by_test_id("question-error")).to_have_text("此题必答。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    questions.nth(1).locator("input[value='4']").check()
    questions.nth(2).locator("input[value='10']").check()
    questions.nth(3).locator("textarea").fill("多讲一些案例")
    page.get_by_test_id("send-survey").click()
    expect(page.get_by_test_id("survey-done")).to_be_visible()
    assert db.session.scalar(select(func.count()).select_from(SurveyCompletion)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    page.context.close()
    assert not [url for url in requested if not url.startswith(live_server + "/")]
