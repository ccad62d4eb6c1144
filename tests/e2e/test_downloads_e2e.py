"""In a real browser: the Excel and CSV links of a table are visible and inside the screen on
a phone (390×844) and on a desktop width, and the Excel link downloads a workbook with the
page's filter (the user list, as a roster)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, sign_in


def test_download_links_on_a_phone_and_a_desktop(browser, live_server):
    page = sign_in(browser, live_server, "admin", PHONE)
    page.goto("/admin/users?role=supervisor")
    links = page.get_by_test_id("export-roster")
    for device in (PHONE, DESKTOP):
        page.set_viewport_size(device["viewport"])
        for fmt in ("xlsx", "csv"):
            link = links.locator(f"a[data-format={fmt}]")
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= device["viewport"]["width"]
    with page.expect_download() as download:
        links.locator("a[data-format=xlsx]").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    logins = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert logins == ["supervisor"]
    page.context.close()
