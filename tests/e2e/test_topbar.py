"""The top bar on the narrowest phones (360×740, 390×844), in Chinese and in English: one row,
nothing off screen, the language switch's words on one line and not clipped (the way back to
Chinese from English included), the name showing at least its first two characters, and the
account menu (my account, sign out) opening within the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from app.extensions import db
from app.models import User
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import sign_in

PHONES = {"360x740": {"viewport": {"width": 360, "height": 740}, "is_mobile": True,
                      "has_touch": True},
          "390x844": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                      "has_touch": True}}

MEASURE = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const bar = document.querySelector(".topbar");
  const box = bar.getBoundingClientRect();
  if (bar.scrollWidth > bar.clientWidth + 1) problems.push(`top bar ${bar.scrollWidth}px wide`);
  if (box.height > 64) problems.push(`top bar ${box.height}px high (more than one row)`);
  const shown = (el) => el.getClientRects().length > 0;
  const lineCount = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    return tops.size;
  };
  for (const el of bar.querySelectorAll("a, button, summary")) {
    if (!shown(el) || el.closest(".account-panel")) continue;
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > width + 0.5) {
      problems.push(`${el.textContent.trim()} off screen`);
    }
  }
  const languages = Array.from(bar.querySelectorAll(".lang-switch button")).filter(shown);
  if (!languages.length) problems.push("no language switch");
  for (const button of languages) {
    const text = button.textContent.trim();
    if (button.scrollWidth > button.clientWidth) {
      problems.push(`language "${text}" clipped: ${button.scrollWidth} > ${button.clientWidth}px`);
    }
    if (lineCount(button) !== 1) problems.push(`language "${text}" on ${lineCount(button)} lines`);
  }
  const name = bar.querySelector(".user-name");
  const text = name.textContent.trim();
  const firstTwo = document.createRange();
  firstTwo.setStart(name.firstChild, 0);
  firstTwo.setEnd(name.firstChild, Math.min(2, text.length));
  if (firstTwo.getBoundingClientRect().right > name.getBoundingClientRect().right + 0.5) {
    problems.push(`the name "${text}" shows less than its first two characters`);
  }
  if (lineCount(name) !== 1) problems.push(`the name on ${lineCount(name)} lines`);
  return problems;
}"""


@pytest.fixture(autouse=True)
def _no_saved_language(live_app):
    db.session.execute(update(User).values(locale=None))
    db.session.commit()


def assert_top_bar_fits(page: Page, where: str) -> None:
    page.wait_for_load_state("load")
    problems = page.evaluate(MEASURE)
    assert not problems, f"{where}: " + "; ".join(problems)


def assert_account_menu_opens(page: Page, where: str) -> None:
    page.get_by_test_id("account-button").click()
    width = page.viewport_size["width"]
    for testid in ("profile-link", "logout"):
        item = page.get_by_test_id(testid)
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (
            f"{where}: {testid} off screen")
        assert box["height"] >= 44, f"{where}: {testid} is a {box['height']}px touch target"
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("logout")).to_be_hidden()


@pytest.mark.parametrize("phone", PHONES)
@pytest.mark.parametrize("login", ["employee", "supervisor"])
def test_top_bar_fits_the_narrowest_phones_in_both_languages(browser, live_server, phone,
                                                             login):
    page = sign_in(browser, live_server, login, PHONES[phone], init_script=axe_source())
    try:
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        assert_top_bar_fits(page, f"{phone} 中文")
        page.get_by_test_id("account-button").click()
        assert not serious_violations(page), "the open account menu"
        page.get_by_test_id("account-button").click()
        assert_account_menu_opens(page, f"{phone} 中文")

        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert_top_bar_fits(page, f"{phone} English")
        assert_account_menu_opens(page, f"{phone} English")

        page.get_by_test_id("lang-zh_CN").click()  # the way back to Chinese
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    finally:
        page.context.close()


def test_a_long_name_keeps_its_first_characters(browser, live_server):
    db.session.execute(update(User).where(User.login == "employee")
                       .values(name="欧阳王小雨 Alexandra Catherine"))
    db.session.commit()
    page = sign_in(browser, live_server, "employee", PHONES["360x740"])
    try:
        assert_top_bar_fits(page, "a long name")
        expect(page.get_by_test_id("account-button")).to_have_attribute(
            "title", "欧阳王小雨 Alexandra Catherine")
    finally:
        page.context.close()
        db.session.execute(update(User).where(User.login == "employee").values(name="王小雨"))
        db.session.commit()
