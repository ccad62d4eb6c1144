"""In Chromium: what a trainer types in the lesson editor survives a session that ran out
before 保存 (drafts.js keeps it in the browser and offers it back after signing in again);
a successful save forgets the draft, and signing out forgets every draft of the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import CourseLesson
from app.services.demo import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, demo_app, sign_in

# Drafts saved as one types and kept through a lost session: database behaviour.
pytestmark = pytest.mark.both_databases

TYPED = "\n\n新增一段：先问清顾客的顾虑，再介绍方案。"


@pytest.fixture(scope="module")
def live_app(make_app, tmp_path_factory):
    with demo_app(make_app, WTF_CSRF_ENABLED=True,
                  UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads"))) as app:
        yield app


@pytest.fixture(scope="module")
def lesson_id(live_app) -> int:
    from app.services.content import authoring
    from tests.learning_factories import person

    course = authoring.save_course(None, authoring.CourseData(title="草稿测试课程"), None)
    chapter = authoring.add_chapter(course, "第一章")
    lesson = authoring.save_lesson(None, chapter, authoring.LessonData(
        title="接待话术", body="## 接待\n\n先问好。"), person("trainer"))
    db.session.commit()
    return lesson.id


def _lesson(lesson_id: int) -> CourseLesson:
    db.session.expire_all()
    return db.session.get(CourseLesson, lesson_id)


def _sign_in_again(page) -> None:
    page.locator("input[name=login]").fill("trainer")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")


def test_typed_lesson_text_survives_a_lost_session_and_goes_after_saving(browser, live_server,
                                                                         lesson_id):
    url = f"/manage/lessons/{lesson_id}/edit"
    page = sign_in(browser, live_server, "trainer", PHONE)
    try:
        page.goto(url)
        body = page.locator("textarea[name=body]")
        body.press("End")
        body.evaluate("(el, text) => { el.value += text; el.dispatchEvent("
                      "new Event('input', {bubbles: true})); }", TYPED)
        page.wait_for_timeout(800)  # the draft is written 0.5 s after the last keystroke
        page.context.clear_cookies()  # the session ran out while typing
        page.get_by_test_id("save-lesson").click()
        page.wait_for_load_state("load")
        assert TYPED.strip() not in _lesson(lesson_id).body  # the server refused it

        page.goto(url)  # → the sign-in page, then back to the editor
        _sign_in_again(page)
        expect(page.get_by_test_id("draft-restored")).to_be_visible()
        assert page.locator("textarea[name=body]").input_value().endswith(TYPED)

        page.get_by_test_id("save-lesson").click()
        page.wait_for_load_state("load")
        assert _lesson(lesson_id).body.endswith(TYPED.strip())
        page.goto(url)
        expect(page.locator("textarea[name=body]")).to_have_value(_lesson(lesson_id).body)
        expect(page.get_by_test_id("draft-restored")).to_have_count(0)

        page.locator("textarea[name=body]").fill("不会保存的草稿")
        page.wait_for_timeout(800)
        page.get_by_test_id("account-button").click()  # the account menu
        page.get_by_test_id("logout").click()
        page.wait_for_load_state("load")
        _sign_in_again(page)
        page.goto(url)
        expect(page.get_by_test_id("draft-restored")).to_have_count(0)
        assert "不会保存的草稿" not in page.locator("textarea[name=body]").input_value()
    finally:
        page.context.close()
