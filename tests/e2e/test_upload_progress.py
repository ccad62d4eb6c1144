"""A form with a chosen file is sent by app.js with a progress bar: a saved upload lands on
the next page with its message, a refused one shows the form again with the message and
working buttons, and a second try goes through the same way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import CourseLesson
from tests.e2e.conftest import DESKTOP, demo_app, sign_in
from tests.web.authoring_helpers import PDF, add_chapter, add_lesson, create_course


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on."""
    with demo_app(make_app, WTF_CSRF_ENABLED=True) as app:
        yield app


def _lesson(live_app) -> int:
    app = live_app
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        client = app.test_client()
        client.post("/auth/login", data={"login": "trainer", "password": "demo1234"})
        course = create_course(client)
        return add_lesson(client, add_chapter(client, course.id).id, "讲义课", "正文。\n").id
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_an_upload_shows_progress_and_lands_on_the_next_page(browser, live_server, live_app,
                                                             tmp_path):
    lesson_id = _lesson(live_app)
    page = sign_in(browser, live_server, "trainer", DESKTOP)
    progress_posts = []
    page.on("request", lambda request: progress_posts.append(request.url) if (
        request.method == "POST" and request.headers.get("x-upload-progress") == "1") else None)
    page.goto(f"/manage/lessons/{lesson_id}/edit")
    wrong = tmp_path / "讲义.pdf"
    wrong.write_bytes(b"not a pdf at all")
    page.locator("input[name=pdf_file]").set_input_files(str(wrong))
    page.get_by_test_id("save-lesson").click()
    expect(page.locator(".form-error").first).to_contain_text("讲义.pdf")
    expect(page.get_by_test_id("save-lesson")).to_be_enabled()
    assert page.url.endswith(f"/manage/lessons/{lesson_id}/edit")
    right = tmp_path / "handout.pdf"
    right.write_bytes(PDF)
    page.locator("input[name=pdf_file]").set_input_files(str(right))
    page.get_by_test_id("save-lesson").click()
    expect(page.locator(".flash-success")).to_be_visible()
    assert len(progress_posts) == 2  # both sent by app.js, with their progress shown
    db.session.expire_all()
    lesson = db.session.scalar(select(CourseLesson).where(CourseLesson.id == lesson_id))
    assert lesson.pdf is not None and lesson.pdf.original_name == "handout.pdf"
    page.context.close()


def test_a_roster_check_is_uploaded_with_progress_and_states_rows_and_time(browser, live_server,
                                                                          tmp_path, monkeypatch):
    import threading

    from app.web.admin import roster_routes
    from tests.helpers import csv_bytes, roster_row

    importing, go_on = threading.Event(), threading.Event()
    real = roster_routes.import_roster

    def busy_import(*args, **kwargs):  # the server is busy importing until the page said so
        importing.set()
        go_on.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(roster_routes, "import_roster", busy_import)
    page = sign_in(browser, live_server, "admin", DESKTOP)
    progress_posts = []
    page.on("request", lambda request: progress_posts.append(request.url) if (
        request.method == "POST" and request.headers.get("x-upload-progress") == "1") else None)
    page.goto("/admin/users/import")
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(csv_bytes([roster_row(f"4{n:04d}", f"员工{n}") for n in range(40)]))
    page.locator("input[name=file]").set_input_files(str(roster))
    page.locator("input[name=dry_run]").check()
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("upload-working")).to_contain_text("正在检查并导入")
    assert importing.is_set()
    go_on.set()
    expect(page.get_by_test_id("import-estimate")).to_contain_text("文件共 40 行")
    assert len(progress_posts) == 1  # sent once, by app.js
    page.context.close()
