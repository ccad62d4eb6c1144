"""On a phone (390×844) in a real browser with CSRF protection on, the demo employee enrolled
in a session that has started opens the check-in link of the trainer's QR code, confirms,
and lands on the class page checked in — nothing wider than the screen, nothing fetched
from elsewhere, no CSP violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.base import utcnow
from app.services.classes import qr
from app.services.classes.enrolment import enrol
from tests.class_factories import make_class
from tests.e2e.conftest import PHONE, demo_app, sign_in
from tests.learning_factories import person

SESSION = {}


@pytest.fixture(scope="module")
def live_app(make_app):
    """CSRF on; a session that started 5 minutes ago with the employee enrolled."""
    with demo_app(make_app, WTF_CSRF_ENABLED=True) as app:
        training_class, session = make_class("面诊沟通面授",
                                             starts_at=utcnow() - timedelta(minutes=5))
        employee = person("employee")
        enrol(employee, session, employee, utcnow() - timedelta(minutes=10))
        db.session.commit()
        SESSION.update(id=session.id, slug=training_class.slug)
        yield app


def test_an_employee_checks_in_on_a_phone_by_opening_the_qr_link(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    token = qr.current_token(SESSION["id"], "in", utcnow())
    page.goto(f"/learn/class-scan/{SESSION['id']}/in/{token}")
    expect(page.get_by_test_id("class-scan")).to_contain_text("面诊沟通面授")
    page.get_by_test_id("scan-confirm").click()
    expect(page).to_have_url(live_server + f"/learn/classes/{SESSION['slug']}")
    expect(page.get_by_test_id("attendance-state")).to_have_text("已签到")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.context.close()
    assert not [url for url in requested if not url.startswith(live_server + "/")]
