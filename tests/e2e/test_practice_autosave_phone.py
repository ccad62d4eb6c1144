"""On a phone (390×844), with CSRF protection on: what the employee types into a practice run
is saved field by field (typing into two steps, then reloading, finds both), 提交审核 keeps
steps that were ticked while the autosave could not reach the server, and a double tap on a
form posts it once while the page shows it is busy."""

from __future__ import annotations

import itertools
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import RunStep
from app.services.demo import seed_demo
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.practice_factories import make_practice_sop, make_run

# Two quick saves, an offline queue and a double tap write rows: database behaviour.
pytestmark = pytest.mark.both_databases

STEPS = [
    {"key": "write", "title": "记录添加结果", "timing": "", "evidence_type": "text"},
    {"key": "count", "title": "回访时长", "timing": "", "evidence_type": "number"},
    {"key": "handover", "title": "交接给医生助理", "timing": "", "evidence_type": "none"},
]


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on, a three-step SOP meant for everyone."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        make_practice_sop("autosave-practice", STEPS, title="自动保存实操")
        yield app


CASES = itertools.count(1)


def _run_id() -> int:
    """A fresh run for each test (a case code of its own: one open run per case)."""
    from app.models import SopModule

    module = db.session.scalar(select(SopModule).where(SopModule.slug == "autosave-practice"))
    return make_run(module=module, case_code=f"CRM-2026-{next(CASES):06d}").id


def _stored(run_id: int) -> dict[str, RunStep]:
    db.session.expire_all()
    return {step.step_key: step for step in db.session.scalars(
        select(RunStep).where(RunStep.run_id == run_id))}


def _field(page, key: str, field: str):
    return page.locator(f"#step-{key} [name='s.{key}.{field}']").last


def test_typing_into_two_steps_survives_a_reload(browser, live_server):
    run_id = _run_id()
    page = sign_in(browser, live_server, "employee", PHONE)
    page.goto(f"/practice/runs/{run_id}")
    _field(page, "write", "note").fill("第一步：已添加企业微信")
    _field(page, "count", "evidence_number").fill("15")
    _field(page, "count", "done").check()
    for key in ("write", "count"):
        expect(page.locator(f"#step-{key}").get_by_test_id("save-status")).to_have_text("已保存")
    expect(page.locator("#step-count")).to_have_attribute("data-done", "yes")
    page.reload()
    expect(_field(page, "write", "note")).to_have_value("第一步：已添加企业微信")
    expect(_field(page, "count", "evidence_number")).to_have_value("15")
    expect(_field(page, "count", "done")).to_be_checked()
    stored = _stored(run_id)
    assert stored["write"].note == "第一步：已添加企业微信" and stored["write"].done_at is None
    assert stored["count"].evidence_number == 15 and stored["count"].done_at is not None
    page.context.close()


def test_hand_in_keeps_steps_ticked_while_the_autosave_was_offline(browser, live_server):
    run_id = _run_id()
    page = sign_in(browser, live_server, "employee", PHONE)
    page.goto(f"/practice/runs/{run_id}")
    page.route("**/save", lambda route: route.abort("internetdisconnected"))
    _field(page, "write", "evidence_text").fill("已添加")
    _field(page, "write", "done").check()
    _field(page, "handover", "done").check()
    expect(page.locator("#step-write").get_by_test_id("save-status")).to_contain_text("保存失败")
    assert _stored(run_id)["write"].done_at is None  # really not saved yet
    page.get_by_test_id("submit-run").click()  # 回访时长 is still missing
    expect(page.locator(".flash-error")).to_contain_text("回访时长")
    expect(_field(page, "write", "evidence_text")).to_have_value("已添加")
    expect(_field(page, "write", "done")).to_be_checked()
    expect(_field(page, "handover", "done")).to_be_checked()
    _field(page, "count", "evidence_number").fill("20")
    _field(page, "count", "done").check()
    page.get_by_test_id("submit-run").click()
    expect(page.get_by_test_id("waiting")).to_be_visible()
    stored = _stored(run_id)
    assert all(step.done_at is not None for step in stored.values())
    assert stored["write"].evidence_text == "已添加" and stored["count"].evidence_number == 20
    page.context.close()


def test_a_double_tap_posts_once_and_shows_it_is_busy(browser, live_server, monkeypatch):
    from app.services.practice import runs

    run_id = _run_id()
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    page.goto(f"/practice/runs/{run_id}")
    handing_in = runs.submit_run

    def slow_submit(*args, **kwargs):  # the second tap lands while the first is answered
        time.sleep(0.5)
        return handing_in(*args, **kwargs)

    monkeypatch.setattr(runs, "submit_run", slow_submit)
    page.evaluate("""() => {  // what the button shows meanwhile, kept across the navigation
        const button = document.querySelector('[data-testid=submit-run]');
        new MutationObserver(() => sessionStorage.setItem('busy', JSON.stringify(
            [button.disabled, button.textContent.trim(), button.form.getAttribute('aria-busy')])))
            .observe(button.form, {attributes: true, subtree: true, childList: true});
    }""")
    page.evaluate("""() => {  // a double tap: the second 80 ms after the first
        const button = document.querySelector('[data-testid=submit-run]');
        button.click();
        setTimeout(() => button.click(), 80);
    }""")
    expect(page.locator(".flash-error")).to_be_visible()  # nothing filled in: not handed in
    assert [url for url in requested if url.endswith("/submit")] == [
        f"{live_server}/practice/runs/{run_id}/submit"]
    assert page.evaluate("JSON.parse(sessionStorage.getItem('busy'))") == [
        True, "提交中…", "true"]
    expect(page.get_by_test_id("submit-run")).to_be_enabled()
    page.context.close()
