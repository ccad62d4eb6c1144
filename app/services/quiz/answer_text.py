"""A response, or the correct answer, of any question type as plain text for a read-only view
(the grader's and the trainer's view of an attempt)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.types import get_type
from app.services.quiz.types.matching import rights


def _option(options: list[dict], index: Any) -> str:
    try:
        return str(options[int(index)]["text"])
    except (IndexError, KeyError, TypeError, ValueError):
        return "?"


def _matching(payload: dict, response: dict) -> str:
    lefts, choices = payload["pairs"], rights(payload)
    lines = []
    for left, right in sorted(((int(k), v) for k, v in response.items()), key=lambda p: p[0]):
        left_text = lefts[left]["left"] if 0 <= left < len(lefts) else "?"
        right_text = choices[int(right)] if 0 <= int(right) < len(choices) else "?"
        lines.append(f"{left_text} → {right_text}")
    return "\n".join(lines)


def _ordering(payload: dict, response: list) -> str:
    items = payload["items"]
    return " → ".join(items[i] if 0 <= i < len(items) else "?" for i in response)


def response_text(data: dict, response: Any) -> str:
    """The response as text ("" when nothing was answered)."""
    if response is None:
        return ""
    kind, payload = data.get("type"), data.get("payload", {})
    try:
        if kind == "single_choice":
            return _option(payload["options"], response)
        if kind == "multiple_choice":
            return "；".join(_option(payload["options"], i) for i in response)
        if kind == "true_false":
            return str(_l("True") if response else _l("False"))
        if kind == "matching":
            return _matching(payload, response)
        if kind == "ordering":
            return _ordering(payload, response)
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(response)
    return str(response)


def correct_text(data: dict) -> str:
    """The answer that earns full credit (the reference answer of a short answer)."""
    try:
        question = QuestionData.from_dict(data)
        return response_text(data, get_type(question.type).correct_response(question))
    except (QuestionError, StopIteration, KeyError, TypeError, ValueError):
        return ""
