"""A phone's WeCom browser (企业微信) opens the app and lands signed in on 我的任务, through the
OAuth sign-in against the fake WeCom server (tests/identity_servers.py)."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.e2e.conftest import PHONE, demo_app, watch_csp
from tests.identity_servers import WECOM_UA, FakeWeCom
from tests.learning_factories import person


@pytest.fixture(scope="module")
def fake_wecom():
    with FakeWeCom() as fake:
        yield fake


@pytest.fixture(scope="module")
def live_app(make_app, fake_wecom):
    with demo_app(make_app, **fake_wecom.settings()) as app:
        person("employee").wecom_userid = "wangxiaoyu"
        db.session.commit()
        fake_wecom.members["wangxiaoyu"] = {"userid": "wangxiaoyu", "name": "王小雨"}
        yield app


def test_opening_the_app_in_wecom_lands_signed_in_on_my_tasks(browser, live_server,
                                                             fake_wecom):
    fake_wecom.phone_user = "wangxiaoyu"
    context = browser.new_context(base_url=live_server, locale="zh-CN", user_agent=WECOM_UA,
                                  **PHONE)
    context.set_default_timeout(10_000)
    watch_csp(context)
    visited = []
    context.on("request", lambda request: visited.append(request.url))
    page = context.new_page()
    page.goto("/")
    page.wait_for_load_state("load")
    assert page.url.split("#")[0] == f"{live_server}/learn/"
    assert page.get_by_text("我的任务").first.is_visible()
    assert page.get_by_text("王小雨").first.is_visible()
    assert any("/connect/oauth2/authorize" in url for url in visited)
    assert any("/auth/wecom/callback" in url for url in visited)
    page.goto("/learn/tasks")
    assert page.locator("h1").inner_text() == "我的任务"
    context.close()


def test_password_sign_in_stays_reachable_inside_wecom(browser, live_server, fake_wecom):
    fake_wecom.phone_user = "nobody"
    context = browser.new_context(base_url=live_server, locale="zh-CN", user_agent=WECOM_UA,
                                  **PHONE)
    context.set_default_timeout(10_000)
    watch_csp(context)
    page = context.new_page()
    page.goto("/")
    assert "请联系管理员" in page.get_by_test_id("identity-problem").inner_text()
    page.get_by_test_id("password-sign-in").click()
    page.locator("input[name=login]").fill("employee")
    page.locator("input[name=password]").fill("demo1234")
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")
    assert page.url.startswith(f"{live_server}/learn/")
    context.close()
