"""End-to-end fixtures: the demo organisation served over real HTTP on a free local port,
and one headless Chromium (Debian's /usr/bin/chromium; Playwright's own download is not used)."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.extensions import db
from tests.helpers import TEST_HASH

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# Content-Security-Policy violations reported by the pages of contexts made by sign_in (or
# watched with watch_csp): every e2e test fails when one of its pages broke the policy.
CSP_VIOLATIONS: list[str] = []
_REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${
    event.sourceFile}:${event.lineNumber}`);
});"""


def watch_csp(context) -> None:
    """Record the CSP violations of every page of `context` in CSP_VIOLATIONS (the listener is
    an init script: the page's own policy does not apply to it)."""
    context.add_init_script(_REPORT_VIOLATIONS)
    context.on("console", lambda message: CSP_VIOLATIONS.append(
        f"{message.page.url if message.page else '?'}: {message.text}")
        if message.text.startswith("CSP violation") else None)


@pytest.fixture(autouse=True)
def _no_csp_violation():
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(
        CSP_VIOLATIONS)


@contextlib.contextmanager
def demo_app(make_app, **config):
    """The app with the tests' config (and `config`) and the demo organisation, committed;
    its context stays pushed in the test thread so tests may adjust data between visits."""
    from app.services.demo import seed_demo

    with make_app(**config) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        yield app


@pytest.fixture(scope="module")
def live_app(make_app):
    """The demo app (a module overrides this fixture for other settings or data)."""
    with demo_app(make_app) as app:
        yield app


@pytest.fixture(scope="module")
def live_server(live_app):
    """Serve `live_app` on 127.0.0.1 in a background thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="live-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per worker (a second one in the same thread is refused)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium")
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def sign_in(browser, base_url: str, login: str, device: dict,
            requested: list[str] | None = None, init_script: str | None = None):
    """A new browser context on `device` (PHONE, DESKTOP), signed in as a demo user; the page
    after signing in. With `requested`, every URL the context asks for is appended to it;
    `init_script` runs in every page before its own scripts (axe-core for the a11y tests)."""
    from app.services.demo import DEMO_PASSWORD

    context = browser.new_context(base_url=base_url, locale="zh-CN", **device)
    context.set_default_timeout(10_000)
    watch_csp(context)
    if init_script:
        context.add_init_script(init_script)
    if requested is not None:
        context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto("/auth/login")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")
    return page
