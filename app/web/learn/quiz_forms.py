"""Reading the quiz pages' forms: each question type's fields as a raw response for the type
plug-in to check, where the 上一题/下一题/number buttons lead, and the text helpers of the
quiz templates."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from app.services.errors import DomainError
from app.services.markdown import render_markdown

MATCH_FIELD = re.compile(r"^response-(\d{1,4})$")
ORDER_FIELD = re.compile(r"^order-(\d{1,4})$")
MAX_FIELDS = 200


def raw_response(kind: str, form: MultiDict) -> Any:
    """The answer fields of a question of type `kind` as the raw response its plug-in parses
    (see docs/question-format.md); garbage is left for the plug-in to refuse."""
    if kind == "multiple_choice":
        return form.getlist("response")
    if kind == "single_choice" and len(form.getlist("response")) > 1:
        return form.getlist("response")
    if kind == "matching":
        return _indexed(form, MATCH_FIELD)
    if kind == "ordering":
        return _order(form)
    return form.get("response")


def _indexed(form: MultiDict, pattern: re.Pattern) -> dict[str, str]:
    """{index: value} of the non-empty fields named like `pattern` (a JSON-like dict)."""
    found = {}
    for name, value in form.items():
        match = pattern.match(name)
        if match and value.strip():
            found[match.group(1)] = value
        if len(found) > MAX_FIELDS:
            break
    return found


def _order(form: MultiDict) -> Any:
    """Ordering: each item's chosen place (order-<item>=<1-based place>) as item indexes in
    order; "response" = "2,0,1" is accepted too. Places must be 1..n, each used once."""
    places = _indexed(form, ORDER_FIELD)
    if not places:
        return form.get("response")
    try:
        by_place = {int(place): int(item) for item, place in places.items()}
    except ValueError:
        raise DomainError(_l("Put every step in the order exactly once."), "response") from None
    if sorted(by_place) != list(range(1, len(places) + 1)) or len(by_place) != len(places):
        raise DomainError(_l("Put every step in the order exactly once."), "response")
    return [by_place[place] for place in sorted(by_place)]


def next_position(go: str | None, position: int, count: int) -> int | None:
    """Where a button of the question form leads: a question's position, or None for the
    交卷 confirmation step ("submit", or 下一题 on the last question)."""
    if go == "submit" or (go == "next" and position >= count - 1):
        return None
    if go == "next":
        return position + 1
    if go == "prev":
        return max(position - 1, 0)
    if go and go.isascii() and go.isdigit() and len(go) < 6:
        return min(int(go), count - 1)
    return position


def wants_json() -> bool:
    """quiz.js asks for JSON; a plain form post asks for a page."""
    return request.accept_mimetypes.best == "application/json"


def rich(text: str | None, text_format: str = "markdown") -> Markup:
    """A question's text (stem, scenario, explanation, feedback) as safe HTML: Markdown and
    HTML are sanitised by the one renderer; plain text is escaped with its line breaks."""
    if text_format == "plain":
        return Markup(str(escape(text or "")).replace("\n", "<br>\n"))
    return _markdown(text)


@lru_cache(maxsize=2048)
def _markdown(text: str | None) -> Markup:
    """Question texts are the same for everyone taking a quiz (versions never change):
    rendered and sanitised once per worker, not on every page."""
    return render_markdown(text)


def inline(text: str | None, text_format: str = "markdown") -> Markup:
    """An option's text for use inside a label: `rich` without a lone wrapping paragraph."""
    html = str(rich(text, text_format)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def question_map(answered: list[bool], position: int, label: str, answered_label: str
                 ) -> Markup:
    """The question map's buttons (第 n 题, · 已答 once answered, the current one marked),
    built in one pass: as a Jinja loop they were a third of the question page's rendering
    (eight escaped values and a format call per button). `label` is "Question %(n)d"
    translated, `answered_label` "answered"."""
    label, suffix = str(label), str(escape(" · " + str(answered_label)))
    buttons = []
    for index, done in enumerate(answered):
        here = index == position
        buttons.append(
            f'\n        <button type="submit" name="go" value="{index}"\n'
            f'                class="map-item {"answered" if done else ""} '
            f'{"current" if here else ""}"\n'
            f'                data-map="{index}" aria-label="{escape(label % {"n": index + 1})}'
            f'{suffix if done else ""}"\n'
            f'                {ARIA_CURRENT if here else ""}>{index + 1}</button>\n      ')
    return Markup("\n      " + "".join(buttons) + "\n      ")


ARIA_CURRENT = 'aria-current="step"'
