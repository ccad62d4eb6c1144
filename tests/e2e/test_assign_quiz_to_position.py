"""In a real browser with CSRF protection on: the demo supervisor, at 1280×800, assigns a quiz
to a position through the form; an employee holding that position, on a phone at 390×844,
finds it in 我的任务 with its due date and a notification under the bell."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.demo import seed_demo
from tests.e2e.conftest import DESKTOP, PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.learning_factories import make_course, make_sop, position
from tests.quiz_factories import make_quiz, single

IDS: dict[str, int] = {}


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on; a published quiz nobody has been given yet."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        IDS["quiz"] = make_quiz([single()], slug="position-quiz", title="客服接诊测验").id
        IDS["position"] = position("客服").id
        IDS["course"] = make_course("form-course", title="表单课程").id
        IDS["sop"] = make_sop("form-sop", title="表单 SOP").id
        yield app




def test_supervisor_assigns_a_quiz_to_a_position_and_the_employee_sees_it(browser,
                                                                          live_server):
    desk = sign_in(browser, live_server, "supervisor", DESKTOP)
    desk.goto("/team/assignments/new")
    desk.locator("select[name=item]").select_option(f"quiz:{IDS['quiz']}")
    desk.locator(f"input[name=position_ids][value='{IDS['position']}']").check()
    desk.locator("input[name=due_at]").fill("2030-01-15T18:00")
    desk.locator("textarea[name=message]").fill("本周内完成")
    desk.get_by_test_id("assignment-form").locator("button[type=submit]").click()
    expect(desk).to_have_url(re.compile(r"/team/assignments/\d+$"))
    expect(desk.locator("main")).to_contain_text("王小雨")  # 客服 in 网络咨询组
    expect(desk.locator("main")).not_to_contain_text("马丽")
    desk.context.close()

    phone = sign_in(browser, live_server, "employee", PHONE)
    expect(phone.get_by_test_id("bell")).to_have_attribute("data-unread", "1")
    phone.get_by_test_id("tasks-link").click()
    task = phone.get_by_test_id("task")
    expect(task).to_have_count(1)
    expect(task).to_contain_text("客服接诊测验")
    expect(task.get_by_test_id("task-due")).to_contain_text("2030-01-15")
    expect(task.get_by_test_id("task-message")).to_have_text("本周内完成")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"我的任务 is {width}px wide"
    phone.get_by_test_id("bell").click()
    expect(phone.get_by_test_id("notification")).to_contain_text("客服接诊测验")
    phone.context.close()


def test_the_sop_only_fields_follow_the_chosen_item(browser, live_server):
    """assign.js once read `form.elements.item` — the collection's item() method, not the
    select — so 确认方式/实操次数 showed for courses and quizzes too."""
    desk = sign_in(browser, live_server, "supervisor", DESKTOP)
    desk.goto("/team/assignments/new")
    sop_only = desk.locator("[data-sop-only]")
    item = desk.locator("select[name=item]")
    expect(sop_only).to_be_hidden()  # nothing chosen yet
    item.select_option(f"sop:{IDS['sop']}")
    expect(sop_only).to_be_visible()
    expect(desk.locator("input[name=practice_runs]")).to_be_visible()
    item.select_option(f"course:{IDS['course']}")
    expect(sop_only).to_be_hidden()
    item.select_option(f"quiz:{IDS['quiz']}")
    expect(sop_only).to_be_hidden()
    item.select_option(f"sop:{IDS['sop']}")
    expect(sop_only).to_be_visible()
    desk.context.close()
