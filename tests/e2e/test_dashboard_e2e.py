"""In a real browser: the supervisor's team dashboard at 1280×800 (matrix, status words,
charts drawn as inline SVG, nothing fetched from elsewhere), a click through to one
employee's record, an Excel download opened with openpyxl; and an employee's own record
(我的成绩) on a phone at 390×844 with its chart, no wider than the screen."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from app.extensions import db
from app.services.demo import seed_demo
from tests.e2e.conftest import DESKTOP, PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.report_factories import team_fixture


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: the demo organisation with the reports' fixture team."""
    with make_app() as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        team_fixture()
        yield app


def _only_local(requested: list[str], base: str) -> None:
    assert not [url for url in requested if not url.startswith(base + "/")]


@pytest.fixture
def desktop(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "supervisor", DESKTOP, requested)
    yield page
    page.context.close()
    _only_local(requested, live_server)


def test_team_dashboard_on_a_desktop(desktop: Page, live_server):
    desktop.goto("/team/")
    desktop.get_by_test_id("dashboard-link").click()
    expect(desktop).to_have_url(live_server + "/team/dashboard")
    matrix = desktop.get_by_test_id("matrix")
    expect(matrix).to_be_visible()
    expect(matrix.locator("tr[data-user='10008'] [data-status='failed']")).to_have_text("未通过")
    expect(desktop.get_by_test_id("legend")).to_contain_text("已逾期")
    expect(desktop.get_by_test_id("overall-completion")).to_contain_text("29%")  # 2 of 7
    charts = desktop.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3  # completion bars, quiz averages, results beside training
    assert desktop.locator("svg.chart").first.bounding_box()["width"] > 50
    assert "马丽" not in desktop.content()
    matrix.get_by_role("link", name="吴佳").click()
    expect(desktop.get_by_test_id("record")).to_be_visible()
    expect(desktop.get_by_test_id("record-exams")).to_contain_text("私域考试")


def test_an_excel_download_opens_with_openpyxl(desktop: Page, live_server, tmp_path):
    desktop.goto("/team/dashboard")
    with desktop.expect_download() as info:
        desktop.get_by_test_id("export-matrix").locator("a[data-format='xlsx']").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved, read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert rows[0][:4] == ("工号", "姓名", "部门", "岗位")
    names = {row[1] for row in rows[1:]}
    assert "吴佳" in names and "马丽" not in names


def test_my_record_on_a_phone(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "10008", PHONE, requested)
    try:
        page.get_by_test_id("record-link").click()
        expect(page).to_have_url(live_server + "/learn/record")
        expect(page.get_by_test_id("record-headline")).to_be_visible()
        chart = page.get_by_test_id("record-charts").locator("svg.chart").first
        expect(chart).to_be_visible()
        expect(page.get_by_test_id("record-exams")).to_contain_text("未通过")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    finally:
        page.context.close()
    _only_local(requested, live_server)
