"""Parse HTML with html.parser and list what could run script: the checker behind the XSS tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BANNED_TAGS = {"script", "iframe", "object", "embed", "svg", "style"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background",
                  "data", "srcset", "lowsrc", "dynsrc", "cite"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")  # browsers skip these inside a scheme
OUR_SCRIPT = re.compile(r"^/static/js/[a-z]+\.js$")
PAYLOADS = "testdata/xss/payloadbox-xss-payload-list.txt"
# The question page's watermark (learn/attempt.html): an inert SVG pattern of our own, with
# exactly these attributes; any other <svg> (or one with a handler, checked below) is flagged.
OUR_WATERMARK = [("class", "watermark"), ("aria-hidden", "true"), ("focusable", "false")]


class _Checker(HTMLParser):
    def __init__(self, allow_our_scripts: bool):
        super().__init__(convert_charrefs=True)
        self.allow_our_scripts = allow_our_scripts
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        ours = tag == "script" and self.allow_our_scripts and len(attrs) == 2 \
            and OUR_SCRIPT.match(values.get("src") or "") and "defer" in values
        ours = ours or (tag == "svg" and attrs == OUR_WATERMARK)
        if tag in BANNED_TAGS and not ours:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and value:
                url = IGNORED_IN_URLS.sub("", value).lower()
                if url.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}> script URL")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and data.strip() and self.allow_our_scripts:
            self.problems.append("inline script")


def unsafe_parts(html: str, *, allow_our_scripts: bool = False) -> list[str]:
    """What in `html` could run script; `allow_our_scripts` permits our own deferred files."""
    checker = _Checker(allow_our_scripts)
    checker.feed(html)
    checker.close()
    return checker.problems


def read_payloads(shared_dir) -> list[str]:
    import pytest

    from tests.naughty import payload_signature, representative

    path = shared_dir / PAYLOADS
    if not path.is_file():
        pytest.skip(f"{PAYLOADS} is absent from ../shared")
    payloads = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(payloads) > 6000
    # one payload of each shape (its tags, handler, scheme, encodings): ~900 of 6,613
    return representative(payloads, payload_signature)
