"""Response parsing and grading helpers shared by the question types."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionError

MAX_TEXT = 2000
FIELD = "response"


def is_blank(raw: Any) -> bool:
    """True for "no answer": None, an empty or all-space string, an empty list or dict."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list | tuple | dict) and not raw


def parse_index(raw: Any, count: int) -> int:
    """An index in 0..count-1 from an int or a string of digits (full-width digits allowed)."""
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            raise QuestionError(_l("“%(value)s” is not a choice.", value=raw[:40]), FIELD)
        raw = int(text)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise QuestionError(_l("The answer must be a choice number."), FIELD)
    if not 0 <= raw < count:
        raise QuestionError(_l("Choice %(n)d does not exist.", n=raw), FIELD)
    return raw


def parse_index_list(raw: Any, count: int) -> list[int]:
    """Indexes in the given order from a list or a comma-separated string."""
    if isinstance(raw, str):
        raw = unicodedata.normalize("NFKC", raw).replace(" ", ",").split(",")
        raw = [part for part in raw if part]
    if not isinstance(raw, list | tuple):
        raise QuestionError(_l("The answer must be a list of choices."), FIELD)
    if len(raw) > count:
        raise QuestionError(_l("Too many choices."), FIELD)
    return [parse_index(item, count) for item in raw]


def parse_text(raw: Any, max_length: int = MAX_TEXT) -> str:
    """A typed answer without its surrounding spaces, at most `max_length` characters."""
    if not isinstance(raw, str):
        raise QuestionError(_l("The answer must be text."), FIELD)
    text = raw.strip()
    if len(text) > max_length:
        raise QuestionError(_l("The answer is longer than %(n)d characters.", n=max_length),
                            FIELD)
    return text


def clamp_fraction(value: float) -> float:
    """`value` clamped to 0..1 and rounded to 9 places (so 0.1+0.2+0.7 is 1.0)."""
    return min(1.0, max(0.0, round(value, 9)))


def option_feedback(option: dict) -> list[str]:
    """An option's or answer's feedback as a Grade feedback list (empty when it has none)."""
    text = option.get("feedback", "")
    return [text] if text else []
