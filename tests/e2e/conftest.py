"""End-to-end fixtures: the demo organisation served over real HTTP on a free local port,
and one headless Chromium (Debian's /usr/bin/chromium; Playwright's own download is not used)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def live_app(make_app):
    """The app with the tests' config and the demo organisation, committed; its context stays
    pushed in the test thread so tests may adjust data between page visits."""
    from app.services.demo import seed_demo

    with make_app() as app:
        seed_demo()
        db.session.commit()
        yield app


@pytest.fixture(scope="module")
def live_server(live_app):
    """Serve `live_app` on 127.0.0.1 in a background thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
