"""The security headers beyond the permission matrix (which checks them on every route × role):
HSTS behind HTTPS, error pages, and templates the Content-Security-Policy would break."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

TEMPLATES = ROOT / "app" / "templates"
SCRIPTS = ROOT / "app" / "static" / "js"


def test_hsts_only_when_cookies_are_secure(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/auth/login").headers["Strict-Transport-Security"].startswith(
        "max-age=31536000")


def test_error_pages_carry_the_headers_too(app, client, monkeypatch):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "script-src 'self'" in missing.headers["Content-Security-Policy"]
    assert missing.headers["X-Frame-Options"] == "DENY"

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "home.healthz", broken)
    failed = client.get("/healthz")
    assert failed.status_code == 500
    assert "frame-ancestors 'none'" in failed.headers["Content-Security-Policy"]
    assert failed.headers["X-Content-Type-Options"] == "nosniff"


INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "on* handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.I),
}


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_no_template_needs_what_the_policy_forbids(path: Path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(ROOT)}: {found}"


def test_no_script_builds_code_from_strings_or_inline_handlers():
    """Handlers are functions (addEventListener, xhr.onload = …), never strings: a string
    handler or eval is refused by script-src 'self', a style attribute by style-src."""
    forbidden = re.compile(r"\beval\(|new Function\(|setAttribute\(\s*['\"](on|style)|"
                           r"set(Timeout|Interval)\(\s*['\"`]|\son[a-z]+=")
    found = [f"{path.name}: {match.group(0)}" for path in sorted(SCRIPTS.glob("*.js"))
             for match in forbidden.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found
