"""The one Markdown renderer: Markdown → HTML → allow-list sanitising, every time."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
    "a", "img", "mark", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"}, "td": {"align"},
    "ol": {"start"},
}
# Only images from this application: clinics run SOP Academy on intranets, and an outside
# image would also tell a third party who is reading what.
LOCAL_PATH = re.compile(r"^/(?!/)[^\s\\]*$")
PLACEHOLDER = re.compile(r"\{([^{}\n]{1,30})\}")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if LOCAL_PATH.match(value) else None
    if attribute in {"width", "height"}:
        return value if value.isdigit() else None
    if attribute == "align":
        return value if value in {"left", "right", "center"} else None
    return value


def render_markdown(text: str | None) -> Markup:
    """Markdown (headings, lists, tables, images, links) as safe HTML."""
    html = md.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"],
                       output_format="html")
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
        attribute_filter=_attribute_filter, strip_comments=True,
    )
    return Markup(clean)


@lru_cache(maxsize=512)
def render_markdown_once(text: str | None) -> Markup:
    """`render_markdown` of a text seen before, from this worker's memory: lesson bodies and
    question texts belong to versions, which never change, and parsing and sanitising them
    was a third of a lesson page's time. Keyed by the text itself, so an edited text (a new
    version) is rendered anew."""
    return render_markdown(text)


def render_script(text: str | None) -> Markup:
    """A 话术 template as escaped text, line breaks kept, {placeholders} highlighted."""
    escaped = str(escape(text or ""))
    highlighted = PLACEHOLDER.sub(
        lambda m: f'<mark class="placeholder">{{{m.group(1)}}}</mark>', escaped
    )
    return Markup(highlighted.replace("\n", "<br>\n"))


def placeholders(text: str | None) -> list[str]:
    """The placeholder names in a script template, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)
