"""In Chromium: 退出登录 after 在此设备上保持登录 really signs out (the remember cookie is
deleted, reloading shows the sign-in page), and 退出所有设备 on the profile page also signs
out another browser holding a copy of the cookies."""

from __future__ import annotations

from playwright.sync_api import expect

from app.services.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE

REMEMBER = "remember_token"


def remembered_sign_in(browser, base_url: str, device: dict):
    context = browser.new_context(base_url=base_url, locale="zh-CN", **device)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/auth/login")
    page.locator("input[name=login]").fill("employee")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_label("在此设备上保持登录").check()
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(f"{base_url}/learn/")
    assert REMEMBER in cookie_names(context)
    return page


def cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def expect_sign_in_page(page, base_url: str) -> None:
    expect(page).to_have_url(f"{base_url}/auth/login?next=%2Flearn%2F")
    expect(page.get_by_test_id("login-submit")).to_be_visible()


def test_sign_out_with_keep_me_signed_in_and_on_all_devices(browser, live_server):
    page = remembered_sign_in(browser, live_server, PHONE)
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    expect(page.locator("body")).to_contain_text("你已退出登录")
    assert REMEMBER not in cookie_names(page.context)
    page.goto("/learn/")
    expect_sign_in_page(page, live_server)
    page.reload()
    expect_sign_in_page(page, live_server)
    page.context.close()

    page = remembered_sign_in(browser, live_server, DESKTOP)
    other = browser.new_context(base_url=live_server, **DESKTOP)
    other.add_cookies(page.context.cookies())  # a copy of both cookies
    copy = other.new_page()
    copy.goto("/learn/")
    expect(copy).to_have_url(f"{live_server}/learn/")
    page.goto("/auth/profile")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("sign-out-everywhere").click()
    expect(page.locator("body")).to_contain_text("你已在所有设备上退出登录")
    copy.goto("/learn/")
    expect_sign_in_page(copy, live_server)
    assert REMEMBER not in cookie_names(other)
    page.context.close()
    other.close()
