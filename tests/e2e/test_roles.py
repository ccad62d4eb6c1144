"""In a real browser, on a phone and on a desktop, each demo role: opens the site, lands on the
Chinese sign-in page, signs in to its home, switches to English, signs out. Every page fits
the screen's width, Chinese pages show no untranslated English, and nothing is fetched from
anywhere but our own server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from app.extensions import db
from app.models import User
from app.services.demo import DEMO_PASSWORD
from tests.e2e.conftest import watch_csp

# role (= demo login): home's data-testid, path, Chinese heading, English heading
ROLES = {
    "employee": ("home-employee", "/learn/", "我的学习", "My learning"),
    "supervisor": ("home-supervisor", "/team/", "我的团队", "My team"),
    "trainer": ("home-trainer", "/manage/", "培训师工作台", "Trainer desk"),
    "admin": ("home-admin", "/admin/", "系统管理", "Administration"),
}
VIEWPORTS = {
    "390x844": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                "has_touch": True},
    "1280x800": {"viewport": {"width": 1280, "height": 800}},
}
# Latin words a Chinese page may show: the product name, the other language's label, product
# names Chinese staff use as they are (API, Excel) and
# demo logins (the supervisor's team lists employee numbers).
LATIN_ALLOWED = {"SOP", "English", "API", "Excel", *ROLES}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(autouse=True)
def _no_saved_language(live_app):
    """Switching language is saved on the account; start each journey from the default."""
    db.session.execute(update(User).values(locale=None))
    db.session.commit()


def assert_fits_width(page: Page, where: str) -> None:
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, (
        f"{where}: the page is {scroll_width}px wide on a {width}px screen (horizontal scroll)")


def assert_chinese(page: Page, where: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    text = page.locator("body").inner_text() + "\n" + page.title()
    english = sorted(set(LATIN_WORD.findall(text)) - LATIN_ALLOWED)
    assert not english, f"{where}: untranslated English on a Chinese page: {english}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("role", ROLES)
def test_sign_in_switch_language_sign_out(browser, live_server, role, viewport):
    testid, path, chinese, english = ROLES[role]
    context = browser.new_context(base_url=live_server, locale="zh-CN", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    watch_csp(context)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()

        page.goto("/")
        expect(page).to_have_url(re.compile(r"/auth/login\?next=%2F$"))
        expect(page.get_by_test_id("login-submit")).to_have_text("登录")
        assert_chinese(page, "sign-in page")
        assert_fits_width(page, "sign-in page")

        page.locator("input[name=login]").fill(role)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_test_id("login-submit").click()
        expect(page).to_have_url(live_server + path)
        home = page.get_by_test_id(testid)
        expect(home.locator("h1")).to_have_text(chinese)
        assert_chinese(page, f"{role} home")
        assert_fits_width(page, f"{role} home")

        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(home.locator("h1")).to_have_text(english)
        expect(page).to_have_url(live_server + path)
        assert_fits_width(page, f"{role} home in English")

        page.get_by_test_id("account-button").click()  # the account menu
        page.get_by_test_id("logout").click()
        expect(page).to_have_url(live_server + "/auth/login")
        expect(page.get_by_test_id("login-submit")).to_have_text("Sign in")
        expect(page.get_by_test_id("logout")).to_have_count(0)
        assert_fits_width(page, "sign-in page after signing out")
    finally:
        context.close()

    assert requested, "the browser recorded no requests"
    foreign = [url for url in requested if not url.startswith(live_server + "/")]
    assert not foreign, f"requests to other origins (external assets?): {foreign}"
