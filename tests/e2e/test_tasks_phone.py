"""On a phone (390×844) in a real browser with CSRF protection on, the demo employee who was
given a quiz with a due date finds it in 我的任务 with that date, sees the bell's unread
notification, opens the notification (it becomes read) and reaches the quiz from the task."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models.base import utcnow
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.assign.notify import notify_assigned
from app.services.demo import seed_demo
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, single

DUE = {}


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on; a quiz assigned to the employee, due in 3 days."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        quiz = make_quiz([single()], slug="task-quiz", title="接诊话术测验")
        now = utcnow()
        assignment = create_assignment(person("supervisor"), AssignmentData(
            kind="quiz", item_id=quiz.id, user_ids=[person("employee").id],
            due_at=now + timedelta(days=3), message="周五前完成"), now)
        notify_assigned(now)
        db.session.commit()
        DUE["date"] = assignment.due_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime(
            "%Y-%m-%d")
        DUE["id"] = assignment.id
        yield app


@pytest.fixture
def phone(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    expect(page).to_have_url(live_server + "/learn/")
    yield page
    page.context.close()
    assert not [url for url in requested if not url.startswith(live_server + "/")]


def _fits(page: Page, where: str) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"{where}: {width}px wide"


def test_a_due_quiz_in_my_tasks_the_bell_and_on_to_the_quiz(phone: Page, live_server):
    bell = phone.get_by_test_id("bell")
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("data-unread", "1")
    expect(bell.locator(".bell-count")).to_have_text("1")
    expect(phone.get_by_test_id("tasks-link").locator("[data-count]")).to_have_attribute(
        "data-count", "1")
    _fits(phone, "我的学习")

    phone.get_by_test_id("tasks-link").click()
    expect(phone).to_have_url(live_server + "/learn/tasks")
    task = phone.get_by_test_id("task")
    expect(task).to_have_count(1)
    expect(task).to_contain_text("接诊话术测验")
    expect(task.get_by_test_id("task-due")).to_contain_text(DUE["date"])
    expect(task.get_by_test_id("task-due")).to_have_attribute("data-days", "3")
    expect(task.get_by_test_id("task-message")).to_have_text("周五前完成")
    _fits(phone, "我的任务")

    bell.click()
    expect(phone).to_have_url(live_server + "/notifications/")
    notice = phone.get_by_test_id("notification")
    expect(notice).to_have_attribute("data-unread", "true")
    expect(notice).to_contain_text("接诊话术测验")
    box = notice.locator("button").bounding_box()
    assert box["height"] >= 44, box
    _fits(phone, "notifications")
    notice.locator("button").click()  # a POST with the CSRF token: read, then to the task
    expect(phone).to_have_url(f"{live_server}/learn/tasks#task-{DUE['id']}")
    expect(phone.get_by_test_id("bell")).to_have_attribute("data-unread", "0")

    phone.get_by_test_id("task-next").click()
    expect(phone).to_have_url(live_server + "/learn/quizzes/task-quiz")
    expect(phone.get_by_test_id("start")).to_be_visible()
    _fits(phone, "quiz start page")
