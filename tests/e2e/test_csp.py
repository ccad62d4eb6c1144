"""In a real browser, with the Content-Security-Policy on (no inline script or style): the pages
that run our scripts (lesson.js, run.js, coach.js, editor.js, assign.js, scoring.js) and draw
charts report no violation, and the checker does catch one (tests/e2e/conftest.py watches
every page of every e2e test the same way)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.demo import seed_demo
from app.services.media import save_upload
from tests.e2e.conftest import CSP_VIOLATIONS, DESKTOP, sign_in
from tests.helpers import TEST_HASH, upload_settings
from tests.learning_factories import make_course, person
from tests.practice_factories import jpeg_bytes, make_practice_sop, make_run

STEPS = [{"key": "write", "title": "记录", "evidence_type": "text", "script": "{客户称呼}您好"},
         {"key": "shot", "title": "截图", "evidence_type": "photo"},
         {"key": "link", "title": "链接", "evidence_type": "link"}]


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on, a lesson with a video and an image, a run."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        trainer = person("trainer")
        image = save_upload(io.BytesIO(jpeg_bytes()), "图.jpg", "image", trainer,
                            upload_settings())
        video = save_upload(io.BytesIO(b"\x00\x00\x00\x18ftypmp42" + bytes(512)), "v.mp4",
                            "video", trainer, upload_settings())
        make_course("csp", [("one", "第一课", f"正文\n\n![图](/media/{image.id})", video.id)])
        run = make_run("employee", make_practice_sop("csp-sop", STEPS))
        app.config["CSP_RUN_ID"] = run.id
        yield app


PAGES = {
    "employee": ["/learn/courses/csp/one", "/practice/runs/{run}", "/learn/sop/csp-sop"],
    "supervisor": ["/team/dashboard", "/team/assignments/new"],
    "trainer": ["/manage/banks", "/manage/analytics"],
    "admin": ["/admin/departments", "/results/metrics"],
}


def test_key_pages_break_no_rule_of_the_policy(browser, live_server, live_app):
    for login, urls in PAGES.items():
        page = sign_in(browser, live_server, login, DESKTOP)
        for url in urls:
            response = page.goto(url.format(run=live_app.config["CSP_RUN_ID"]))
            assert response.ok, url
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
        if login == "employee":  # the run page's scripts at work: autosave, coach
            page.goto(f"/practice/runs/{live_app.config['CSP_RUN_ID']}")
            page.locator("#evidence_text-write").fill("已添加微信，约定下周回访")
            expect(page.locator("#step-write [data-save-status]")).to_have_text(
                "已保存", timeout=20_000)  # a loaded CI machine can take seconds
        page.context.close()
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS


def test_the_checker_sees_a_violation(browser, live_server):
    page = sign_in(browser, live_server, "employee", DESKTOP)
    page.evaluate("""() => document.body.insertAdjacentHTML('beforeend',
        '<p style="color: red">inline style</p><img src="https://example.invalid/x.png">')""")
    page.wait_for_timeout(300)
    page.context.close()
    found = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()  # expected here: the autouse check must not fail this test
    assert any("style-src" in line for line in found), found
    assert any("img-src" in line for line in found), found
