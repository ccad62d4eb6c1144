"""The pictures of the role guides (docs/guides/): Chromium signs in as each demo role, opens
the pages a guide shows, checks each page still has the heading the guide names and saves the
screenshot to docs/guides/img/ (rewritten only when it looks different: commit it with the
page change). A second test keeps guides and pictures in step: every picture a guide shows is one
taken here, each taken picture is shown by both languages' guide of its role, and img/ holds
nothing else.

The demo is what `flask demo` builds (as in test_accessibility.py). Chromium gets the Noto
Sans SC font of the `pylopdf-fonts-zh-cn` dependency through its own fontconfig file, so the
Chinese is legible on any machine, with or without Chinese system fonts."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import PracticeRun, SopModule, User
from app.models.base import utcnow
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, demo_app, sign_in

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "guides"
IMAGES = GUIDES / "img"
COURSE, SOP, NIGHT_SOP = ("private-domain-basics", "online-enquiry-to-first-visit",
                          "night-enquiry-follow-up")

# role (= demo login and guide file name) → device, and its pictures in the order the guide
# shows them: (image, path, the heading the guide names, the test id of what is scrolled to the
# middle of the screen, or "").
SHOTS: dict[str, tuple[dict, list[tuple[str, str, str, str]]]] = {
    "employee": (PHONE, [
        ("employee-tasks.png", "/learn/tasks", "我的任务", ""),
        ("employee-sop-confirm.png", f"/learn/sop/{NIGHT_SOP}", "夜间咨询次日跟进", "ack-box"),
        ("employee-course.png", f"/learn/courses/{COURSE}", "私域运营入门：医美机构为什么需要私域",
         ""),
        ("employee-practice-start.png", f"/practice/start/{SOP}", "开始实操", ""),
        ("employee-results.png", "/results/", "我的成果", ""),
    ]),
    "supervisor": (DESKTOP, [
        ("supervisor-assign.png", "/team/assignments/new", "布置任务", ""),
        ("supervisor-dashboard.png", "/team/dashboard", "团队看板", "matrix"),
        ("supervisor-review.png", "/review/runs/{waiting_run}", "线上咨询到首次到院邀约",
         "rubric"),
        ("supervisor-results.png", "/results/team", "团队成果", ""),
    ]),
    "trainer": (DESKTOP, [
        ("trainer-desk.png", "/manage/", "培训师工作台", ""),
        ("trainer-sop.png", "/manage/sop/{sop}", "线上咨询到首次到院邀约", "step"),
        ("trainer-publish.png", "/manage/sop/{sop}/publish", "发布“线上咨询到首次到院邀约”", ""),
        ("trainer-analytics.png", "/manage/analytics", "数据分析", ""),
    ]),
    "admin": (DESKTOP, [
        ("admin-home.png", "/admin/", "系统管理", ""),
        ("admin-departments.png", "/admin/departments", "部门", ""),
        ("admin-roster-import.png", "/admin/users/import", "导入花名册", ""),
        ("admin-users.png", "/admin/users", "用户", ""),
    ]),
}
# What a picture shows typed in (a form as the guide describes it, and no clock in the picture).
FILLED = {"employee-practice-start.png": {"case_code": "CRM-2026-000123",
                                          "context": "线上咨询，想了解祛斑项目（示例）",
                                          "case_at": "2026-12-07T09:30"}}
IMAGE_LINK = re.compile(r"\]\(img/([^)\s]+)\)")


@pytest.fixture(scope="module")
def live_app(make_app, tmp_path_factory):
    """What `flask demo` builds, with one shipped course and the two SOPs the demo uses."""
    from app.services.assign.demo import seed_demo_assignments
    from app.services.content.sync import sync_content
    from app.services.practice.demo import seed_demo_practice

    root = tmp_path_factory.mktemp("content")
    shutil.copytree(ROOT / "courses" / COURSE, root / "courses" / COURSE)
    (root / "sop").mkdir()
    for slug in (SOP, NIGHT_SOP):
        shutil.copy(ROOT / "sop" / f"{slug}.toml", root / "sop")
    with demo_app(make_app) as app:
        report = sync_content(root, root / "courses", root / "sop", dry_run=False)
        assert not report.errors, report.errors
        # due dates from midnight: the pictures change at most once a day, not every minute
        seed_demo_assignments(utcnow().replace(hour=0, minute=0, second=0, microsecond=0))
        seed_demo_practice()
        db.session.commit()
        yield app


@pytest.fixture(scope="module")
def guide_browser(playwright, tmp_path_factory):
    """Chromium with the fonts of `pylopdf-fonts-zh-cn` (Noto Sans SC) added to the system's."""
    from pylopdf_fonts_zh_cn import sans_path

    config = tmp_path_factory.mktemp("fonts") / "fonts.conf"
    config.write_text(  # the system's fonts and caches, and the package's folder of fonts
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{sans_path().parent}</dir>\n</fontconfig>\n", encoding="utf-8")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(config)})
    try:
        yield browser
    finally:
        browser.close()


def _ids() -> dict[str, int]:
    employee = db.session.scalar(select(User).where(User.login == "employee"))
    waiting = db.session.scalar(select(PracticeRun.id).where(
        PracticeRun.user_id == employee.id, PracticeRun.status == "submitted"))
    assert waiting, "the demo has a practice run waiting for review"
    return {"waiting_run": waiting,
            "sop": db.session.scalar(select(SopModule.id).where(SopModule.slug == SOP))}


def _shoot(page: Page, image: str, path: str, heading: str, scroll_to: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{image}: {path} answered " + (
        str(response.status) if response else "nothing")
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    for name, value in FILLED.get(image, {}).items():
        page.locator(f"[name={name}]").fill(value)
        page.locator(f"[name={name}]").blur()
    if scroll_to:
        page.get_by_test_id(scroll_to).first.evaluate(
            "node => node.scrollIntoView({block: 'center'})")
    png = page.screenshot(animations="disabled", caret="hide")
    if _changed(IMAGES / image, png):
        (IMAGES / image).write_bytes(png)


def _changed(picture: Path, png: bytes) -> bool:
    """Whether `png` differs from the stored picture by more than Chromium's rasterising
    jitter: from one run to the next, a few edges of text and borders come out a few shades
    apart; a changed word, number or layout differs by far more."""
    if not picture.exists():
        return True
    if picture.read_bytes() == png:
        return False
    with Image.open(picture) as before, Image.open(io.BytesIO(png)) as after:
        if before.size != after.size:
            return True
        difference = ImageChops.difference(before.convert("RGB"), after.convert("RGB"))
        return max(high for _, high in difference.getextrema()) > 64


def test_guide_pictures_are_taken_from_the_pages_they_show(guide_browser, live_server):
    ids = _ids()
    IMAGES.mkdir(parents=True, exist_ok=True)
    for role, (device, shots) in SHOTS.items():
        page = sign_in(guide_browser, live_server, role, device)
        try:
            for image, path, heading, scroll_to in shots:
                _shoot(page, image, path.format(**ids), heading, scroll_to)
        finally:
            page.context.close()
    for _, shots in SHOTS.values():
        for image, *_ in shots:
            assert (IMAGES / image).stat().st_size < 200_000, f"{image} is over 200 KB"


def test_each_guide_shows_exactly_its_roles_pictures():
    taken = {image for _, shots in SHOTS.values() for image, *_ in shots}
    for role, (_, shots) in SHOTS.items():
        expected = [image for image, *_ in shots]
        for guide in (GUIDES / f"{role}.md", GUIDES / f"{role}.en.md"):
            shown = IMAGE_LINK.findall(guide.read_text(encoding="utf-8"))
            assert shown == expected, (
                f"{guide.name} shows {shown}; the screenshot test takes {expected} for {role}")
    on_disk = {path.name for path in IMAGES.iterdir()}
    assert not on_disk - taken, f"docs/guides/img/ holds pictures no guide shows: {on_disk - taken}"
    assert not taken - on_disk, f"docs/guides/img/ lacks {taken - on_disk}: run this module"
