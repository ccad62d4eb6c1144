"""Stored links become an href only when they are web addresses: checked again every time one
is rendered, whatever was accepted when it was saved (older rows, imports, other writers).

`safe_href` reads a link the way a browser does (leading and trailing spaces and control
characters dropped, tabs and line breaks inside removed, the scheme case-insensitive) and
answers the link when its scheme is http or https, or when it is a path on this site
("/learn/…"); anything else (javascript:, data:, vbscript:, file:, "//other.host", a bare
word) answers "", and the template shows the link as text.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = {"http", "https"}
_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_href(value: object) -> str:
    """The link, when a browser would open it as a web page of some site; else ""."""
    if not isinstance(value, str) or not value:
        return ""
    link = _TAB_NEWLINE.sub("", _EDGES.sub("", value))
    if any(ord(char) < 0x20 or char == "\x7f" for char in link):
        return ""
    scheme = _SCHEME.match(link)
    if scheme:
        ok = scheme.group(1).lower() in SAFE_SCHEMES and link[scheme.end():].startswith("//")
        return link if ok else ""
    if link.startswith("/") and not link.startswith(("//", "/\\")):
        return link
    return ""
