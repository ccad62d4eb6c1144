"""A PDF lesson on a phone (390×844): the PDF is drawn in the page by pdf.js from our own
static files (WeChat's browser shows nothing for a bare PDF link), under the page's
Content-Security-Policy, with the link to open or download it kept below; the trainer's view
of the working copy draws it too."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from app.extensions import db
from app.models import CourseLesson
from app.services.content import publishing
from app.services.content.kinds import COURSE
from app.services.demo import seed_demo
from app.services.media import save_upload
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import DESKTOP, PHONE, sign_in
from tests.helpers import TEST_HASH, upload_settings
from tests.learning_factories import make_course

INK_PIXELS = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) ink += 1;
  return ink;
}"""


def handout_pdf(pages: int = 3) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica-Bold", 36)
        canvas.drawString(72, 720, f"Handout page {number}")
        canvas.rect(72, 400, 400, 200, fill=1)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def live_app(make_app):
    with make_app() as app:
        seed_demo(TEST_HASH)
        media = save_upload(io.BytesIO(handout_pdf()), "讲义.pdf", "pdf", None,
                            upload_settings())
        course = make_course("pdf-course", [("handout", "讲义课时", "请阅读下面的讲义。")],
                             publish=False)
        course.chapters[0].lessons[0].pdf_media_id = media.id
        publishing.publish(COURSE, course, None, "")
        db.session.commit()
        yield app


def test_a_pdf_lesson_is_drawn_in_the_page_on_a_phone(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested, init_script=axe_source())
    try:
        page.goto("/learn/courses/pdf-course/handout")
        viewer = page.get_by_test_id("pdf-viewer")
        first = viewer.locator("canvas").first
        expect(first).to_be_visible(timeout=20_000)
        expect(viewer.locator("[data-pdf-status]")).to_have_text("共 3 页")
        box = first.bounding_box()
        assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert first.evaluate(INK_PIXELS) > 1000, "the page was drawn blank"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        expect(page.get_by_test_id("pdf-link")).to_have_attribute(
            "href", f"/media/{_media_id(page)}")
        assert not serious_violations(page)
    finally:
        page.context.close()
    assert all(url.startswith(live_server + "/") for url in requested)
    assert any("/static/vendor/pdfjs/pdf.worker.min.js" in url for url in requested)


def test_the_trainer_sees_the_pdf_drawn_in_the_working_copy(browser, live_server):
    lesson_id = db.session.scalar(select(CourseLesson.id).where(CourseLesson.key == "handout"))
    page = sign_in(browser, live_server, "trainer", DESKTOP)
    try:
        page.goto(f"/manage/lessons/{lesson_id}")
        expect(page.get_by_test_id("pdf-viewer").locator("canvas").first).to_be_visible(
            timeout=20_000)
    finally:
        page.context.close()


def _media_id(page) -> str:
    return page.get_by_test_id("pdf-viewer").get_attribute("data-src").rsplit("/", 1)[1]
