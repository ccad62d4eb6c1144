"""A stored link becomes an href only when it is an http(s) address or a path of this site;
an XSS payload of each shape of ../shared/testdata/xss (tests/naughty.py), stored as a
practice run's evidence link, is shown as text where a browser would run it (app/web/links.py)."""

from __future__ import annotations

import pytest

from app.web.links import safe_href
from tests.html_safety import read_payloads, unsafe_parts


@pytest.mark.parametrize("link", [
    "https://example.com/a?b=1#c", "http://10.0.0.5/report", "HTTPS://Example.com/",
    "/learn/courses/intro", "  https://example.com/  ",
])
def test_web_addresses_and_site_paths_stay_links(link):
    assert safe_href(link) == link.strip()


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\x01javascript:x",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)", "javascript&colon;alert(1)", "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD4=",
    "file:///etc/passwd", "mailto:a@b.c", "//evil.example/x", "/\\evil.example/x",
    "https:evil.example", "http:\\\\evil.example", "www.example.com", "", None, 42,
])
def test_anything_else_is_not_a_link(link):
    assert safe_href(link) == ""


def _evidence_html(app, link: str) -> str:
    """The review page's evidence of a step and the run page's read-only link field."""
    with app.test_request_context():
        review = app.jinja_env.get_template("review/_macros.html").module
        step = {"evidence_link": link}
        link_field = app.jinja_env.get_template("practice/evidence/_link.html").render(
            key="one", name="", values=step, editable=False, error_field=None)
        return str(review.evidence(step, lambda _id: None)) + link_field


def test_every_payload_stored_as_a_link_renders_harmless(app, shared_dir):
    problems = []
    for payload in read_payloads(shared_dir):
        for link in (payload, f" JaVa\tScRiPt:{payload}"):
            found = unsafe_parts(_evidence_html(app, link))
            if found:
                problems.append(f"{link!r}: {found}")
    assert not problems, f"{len(problems)} links survive:\n" + "\n".join(problems[:30])


def test_a_web_address_is_still_a_link_on_the_review_page(app):
    html = _evidence_html(app, "https://example.com/report")
    assert 'href="https://example.com/report"' in html
    assert 'href="javascript' not in _evidence_html(app, "javascript:alert(1)")
    assert "javascript:alert(1)" in _evidence_html(app, "javascript:alert(1)")  # as text
