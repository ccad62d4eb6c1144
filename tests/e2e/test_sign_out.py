"""In Chromium: 退出登录 after 在此设备上保持登录 really signs out this device (the remember
cookie is deleted, reloading shows the sign-in page) and only this one; 退出 on another device
in 我的账号's list signs that one out; 退出所有设备 also signs out another browser holding a copy
of the cookies."""

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


IPHONE_WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44 NetType/WIFI")


def expect_signed_in(page, base_url: str) -> None:
    page.goto("/learn/")
    expect(page).to_have_url(f"{base_url}/learn/")


def test_sign_out_this_device_another_device_and_all_devices(browser, live_server):
    computer = remembered_sign_in(browser, live_server, DESKTOP)
    page = remembered_sign_in(browser, live_server, PHONE)
    page.get_by_test_id("account-button").click()  # the account menu
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    expect(page.locator("body")).to_contain_text("你已退出登录")
    assert REMEMBER not in cookie_names(page.context)
    page.goto("/learn/")
    expect_sign_in_page(page, live_server)
    page.reload()
    expect_sign_in_page(page, live_server)
    page.context.close()
    expect_signed_in(computer, live_server)  # the phone's sign-out left the computer in

    phone = remembered_sign_in(browser, live_server, {**PHONE, "user_agent": IPHONE_WECHAT})
    computer.goto("/auth/profile")
    rows = computer.get_by_test_id("device-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has=computer.get_by_test_id("this-device"))).to_contain_text("本设备")
    phone_row = rows.filter(has_text="微信 · iPhone")
    phone_row.get_by_test_id("end-device").click()
    expect(computer.locator("body")).to_contain_text("已退出该设备")
    expect(computer.get_by_test_id("device-row")).to_have_count(1)
    phone.goto("/learn/")
    expect_sign_in_page(phone, live_server)
    phone.context.close()

    other = browser.new_context(base_url=live_server, **DESKTOP)
    other.add_cookies(computer.context.cookies())  # a copy of both cookies
    copy = other.new_page()
    expect_signed_in(copy, live_server)
    computer.goto("/auth/profile")
    computer.once("dialog", lambda dialog: dialog.accept())
    computer.get_by_test_id("sign-out-everywhere").click()
    expect(computer.locator("body")).to_contain_text("你已在所有设备上退出登录")
    copy.goto("/learn/")
    expect_sign_in_page(copy, live_server)
    assert REMEMBER not in cookie_names(other)
    computer.context.close()
    other.close()
