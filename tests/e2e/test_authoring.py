"""In a real browser with CSRF protection on, on a phone (390×844) and a desktop: a trainer
writes a course, the lesson preview follows the typing (editor.js, X-CSRFToken header), an
image upload puts its Markdown at the cursor, the course is published twice and the diff
shows the changed line. Every trainer page fits the screen's width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Course, CourseVersion
from app.services.demo import DEMO_PASSWORD, seed_demo
from tests.e2e.conftest import watch_csp
from tests.helpers import TEST_HASH

VIEWPORTS = {
    "390x844": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "1280x800": {"viewport": {"width": 1280, "height": 800}},
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LONG_LINE = "一条很长的话术" * 30 + "https://example.com/" + "a" * 120


@pytest.fixture(scope="module")
def live_app(make_app, tmp_path_factory):
    """Overrides the conftest's: CSRF on, uploads in a temporary folder."""
    uploads = tmp_path_factory.mktemp("uploads")
    with make_app(WTF_CSRF_ENABLED=True, UPLOAD_DIR=str(uploads)) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        yield app


def _fits(page: Page, where: str) -> None:
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, f"{where}: {scroll_width}px wide on a {width}px screen"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_write_preview_publish_and_compare(browser, live_server, viewport, tmp_path):
    context = browser.new_context(base_url=live_server, locale="zh-CN", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    watch_csp(context)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        page.goto("/auth/login")
        page.locator("input[name=login]").fill("trainer")
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_test_id("login-submit").click()
        title = f"端到端课程 {viewport}"

        page.get_by_test_id("new-course").click()
        _fits(page, "new course")
        page.locator("input[name=title]").fill(title)
        page.get_by_test_id("course-form").locator("button[type=submit]").click()
        expect(page.get_by_test_id("course-page").locator("h1")).to_have_text(title)
        page.get_by_test_id("add-chapter").locator("input[name=title]").fill("第一章")
        page.get_by_test_id("add-chapter").locator("button").click()
        page.get_by_test_id("add-lesson").click()

        page.locator("input[name=title]").fill("第一课")
        expect(page.locator("input[name=preview]")).to_be_hidden()  # JS on: live preview
        page.locator("textarea[name=body]").fill(f"## 小标题\n\n原来的一行。\n\n{LONG_LINE}\n")
        expect(page.get_by_test_id("preview").locator("h2")).to_have_text("小标题")
        image = tmp_path / "流程图.png"
        image.write_bytes(PNG)
        page.locator("input[name=image_file]").set_input_files(str(image))
        expect(page.locator("textarea[name=body]")).to_have_value(
            re.compile(r"!\[流程图\]\(/media/\d+\)"))
        expect(page.get_by_test_id("preview").locator("img")).to_have_count(1)
        _fits(page, "lesson editor")
        page.get_by_test_id("save-lesson").click()
        expect(page.locator(".flash-success")).to_be_visible()

        course = db.session.scalar(select(Course).where(Course.title == title))
        for note in ("首次发布", "改一行"):
            page.goto(f"/manage/courses/{course.id}/publish")
            _fits(page, "publish")
            page.locator("textarea[name=change_note]").fill(note)
            page.get_by_test_id("publish").click()
            expect(page.get_by_test_id("versions")).to_be_visible()
            if note == "首次发布":
                page.goto(f"/manage/courses/{course.id}")
                page.locator(".edit-title").first.click()
                body = page.locator("textarea[name=body]")
                body.fill(body.input_value().replace("原来的一行。", "改过的一行。"))
                page.get_by_test_id("save-lesson").click()
        assert len(db.session.scalars(select(CourseVersion).where(
            CourseVersion.course_id == course.id)).all()) == 2

        page.goto(f"/manage/courses/{course.id}/diff")
        expect(page.locator(".diff-line.added")).to_contain_text(["改过的一行。"])
        expect(page.locator(".diff-line.removed")).to_contain_text(["原来的一行。"])
        _fits(page, "diff")
        for url in ("/manage/", f"/manage/courses/{course.id}",
                    f"/manage/courses/{course.id}/versions", "/manage/sop/new"):
            page.goto(url)
            _fits(page, url)
    finally:
        context.close()
    foreign = [url for url in requested if not url.startswith(live_server + "/")]
    assert not foreign, f"requests to other origins: {foreign}"
