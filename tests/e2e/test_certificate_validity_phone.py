"""On a phone (390×844) in a real browser, the demo employee opens 我的证书 and sees that a
certificate is about to expire (即将到期, with its date), within the screen's width."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models.base import utcnow
from app.services.certificates import issue_due_certificates
from tests.e2e.conftest import PHONE, sign_in
from tests.learning_factories import make_course
from tests.points_factories import complete_lessons


def test_an_employee_on_a_phone_sees_how_long_a_certificate_is_valid(browser, live_server):
    course = make_course("phone-cert", [("l1", "一", "x")], title="手卫生规范")
    course.validity_months = 12
    db.session.commit()
    complete_lessons("employee", course, ["l1"])
    [certificate] = issue_due_certificates(utcnow())
    certificate.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()
    page = sign_in(browser, live_server, "employee", PHONE)
    page.goto("/certificates/")
    badge = page.get_by_test_id("validity")
    expect(badge).to_have_attribute("data-state", "expiring")
    expect(badge).to_contain_text("即将到期")
    box = badge.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.context.close()
