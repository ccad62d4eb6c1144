"""axe-core for the Chromium tests: a test-only asset, never served by the app.

axe.min.js comes from the axe-playwright-python package (the [dev] extras; it vendors the
axe-core npm package's build). It is added to a context as an init script, which runs before
a page's own scripts and outside its Content-Security-Policy (that policy stays on, and
tests/e2e/conftest.py still fails a test on any violation of it)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from playwright.sync_api import Page

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\\n    ` + v.nodes.slice(0, 4)
      .map((n) => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\\s+/g, " "))
      .join("\\n    "));
}"""


@cache
def axe_source() -> str:
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.0/2.1 A and AA violations on the page as it is
    now (the page's context must have axe_source() as an init script)."""
    page.wait_for_load_state("load")
    return page.evaluate(_RUN, TAGS)
