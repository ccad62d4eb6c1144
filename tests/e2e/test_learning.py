"""In a real browser on a phone (390×844), with CSRF protection on: lesson.js reports reading to
the end and a video watched past 90 % (X-CSRFToken header), and 阅读并确认 works."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import LessonProgress, Media
from app.services.demo import seed_demo
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.learning_factories import make_course, make_sop

LONG_BODY = "\n\n".join(f"第 {n} 段：私域运营要长期、真诚地服务客户。" * 3 for n in range(60))


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on, and content to learn."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        video = Media(kind="video", original_name="v.mp4", stored_name="e2e-missing.mp4",
                      mime="video/mp4", size=1, sha256="0" * 64)
        db.session.add(video)
        db.session.commit()
        make_course("e2e", [("text", "长文课时", LONG_BODY),
                            ("video", "视频课时", "看视频", video.id)])
        make_sop("e2e-sop")
        yield app


@pytest.fixture
def phone(browser, live_server):
    page = sign_in(browser, live_server, "employee", PHONE)
    expect(page).to_have_url(live_server + "/learn/")
    yield page
    page.context.close()


def _completed(key: str) -> bool:
    db.session.expire_all()
    row = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_key == key))
    return bool(row and row.completed_at)


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 391


def test_reading_to_the_end_completes_the_lesson(phone: Page):
    _fits(phone)
    phone.goto("/learn/courses/e2e/text")
    _fits(phone)
    expect(phone.get_by_test_id("lesson-done")).to_be_hidden()
    phone.mouse.wheel(0, 100_000)
    expect(phone.get_by_test_id("lesson-done")).to_be_visible()
    assert _completed("text")
    phone.goto("/learn/courses/e2e")
    expect(phone.get_by_test_id("resume")).to_have_attribute("href", "/learn/courses/e2e/video")


def test_video_past_ninety_percent_completes_the_lesson(phone: Page):
    phone.goto("/learn/courses/e2e/video")
    phone.mouse.wheel(0, 100_000)  # the end marker of a video lesson does not count
    phone.wait_for_timeout(500)
    expect(phone.get_by_test_id("lesson-done")).to_be_hidden()

    def play_to(seconds: float) -> None:  # the file is absent: fake the player's clock
        phone.evaluate("""(seconds) => {
            const v = document.querySelector("video");
            Object.defineProperty(v, "duration", {configurable: true, get: () => 100});
            Object.defineProperty(v, "currentTime", {configurable: true, get: () => seconds,
                                                     set: () => {}});
            v.dispatchEvent(new Event("pause"));
        }""", seconds)

    play_to(50)
    phone.wait_for_timeout(500)
    assert not _completed("video")
    play_to(95)
    expect(phone.get_by_test_id("lesson-done")).to_be_visible()
    assert _completed("video")


def test_read_and_confirm(phone: Page):
    phone.goto("/learn/sop/e2e-sop")
    _fits(phone)
    phone.get_by_test_id("acknowledge").click()
    expect(phone.get_by_test_id("ack-done")).to_contain_text("v1")
