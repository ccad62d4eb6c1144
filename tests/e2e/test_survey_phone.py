"""On a phone (390×844) in a real browser with CSRF on, the demo employee who attended an
offline class opens the class page, taps its evaluation survey (the class survey), sends it
without the required rating (told which question), then taps a rating, an NPS score and a
choice, types a suggestion and sends it — every tap target fits the screen and nothing is
asked of another host."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import SurveyCompletion, SurveyResponse
from app.models.base import utcnow
from app.services.classes import attendance, enrolment
from app.services.demo import seed_demo
from app.services.surveys.attachments import attach
from tests.class_factories import make_class
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.learning_factories import person
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
        training_class, session = make_class("注射礼仪面授",
                                             starts_at=utcnow() - timedelta(hours=1))
        attach(survey, "class", training_class.id)
        mine = enrolment.enrol(person("trainer"), session, person("employee"), utcnow())
        attendance.mark(person("trainer"), mine, "present", "讲师确认在场", utcnow())
        db.session.commit()
        app.config["E2E_CLASS_SLUG"] = training_class.slug
        yield app


def live_server_app_slug() -> str:
    return current_app.config["E2E_CLASS_SLUG"]


def test_an_employee_fills_the_class_survey_on_a_phone(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    page.goto(f"/learn/classes/{live_server_app_slug()}")
    page.get_by_test_id("evaluation-prompt").get_by_role("link").click()
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
