"""Payload checks shared by the question types; each raises QuestionError naming the field."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionError, is_number

FRACTION_TOLERANCE = 0.001  # for sums of fractions (GIFT writes %33.33333%)
_PART = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?$")
_LABELS = {
    "stem": _l("The stem"), "title": _l("The title"), "scenario": _l("The scenario"),
    "explanation": _l("The explanation"), "tags": _l("Tag %(n)s"),
    "options": _l("Option %(n)s"), "answers": _l("Answer %(n)s"), "items": _l("Step %(n)s"),
    "pairs": _l("Pair %(n)s"), "distractors": _l("Distractor %(n)s"),
    "reference": _l("The reference answer"), "rubric": _l("Rubric point %(n)s"),
    "text": None, "left": _l("(left side)"), "right": _l("(right side)"),
    "fraction": _l("(credit)"), "feedback": _l("(feedback)"), "answer": _l("The answer"),
}
_PLURALS = {"tags": _l("The tags"), "options": _l("The options"), "answers": _l("The answers"),
            "items": _l("The steps"), "pairs": _l("The pairs"),
            "distractors": _l("The distractors"), "rubric": _l("The rubric")}


def describe(field: str) -> str:
    """A field path as a person reads it: "payload.options[1].text" → "Option 2"."""
    words = []
    for part in field.split("."):
        match = _PART.match(part)
        if part == "payload" or not match or match["name"] not in _LABELS:
            if part != "payload":
                words.append(part)
            continue
        label = _LABELS[match["name"]]
        if match["index"] is None and match["name"] in _PLURALS:
            words.append(str(_PLURALS[match["name"]]))
        elif label is not None and match["index"] is not None:
            words.append(str(label) % {"n": int(match["index"]) + 1})
        elif label is not None:
            words.append(str(label))
    return " ".join(w.strip() for w in words if w.strip()) or field


def is_full(fraction: float) -> bool:
    """True for a fraction of exactly 1.0 (give or take float noise)."""
    return abs(fraction - 1.0) <= 1e-9


def check_keys(obj: Any, field: str, allowed: set[str], required: set[str]) -> dict:
    """`obj` is a dict with every `required` key and no key outside `allowed`."""
    if not isinstance(obj, dict):
        raise QuestionError(_l("%(field)s must be an object.", field=describe(field)), field)
    unknown = sorted(set(obj) - allowed)
    if unknown:
        name = f"{field}.{unknown[0]}"
        raise QuestionError(_l("Unknown field: %(name)s.", name=name), name)
    missing = sorted(required - set(obj))
    if missing:
        name = f"{field}.{missing[0]}"
        raise QuestionError(_l("Missing field: %(name)s.", name=name), name)
    return obj


def check_list(value: Any, field: str, minimum: int) -> list:
    """`value` is a list of at least `minimum` entries."""
    if not isinstance(value, list):
        raise QuestionError(_l("%(field)s must be a list.", field=describe(field)), field)
    if len(value) < minimum:
        raise QuestionError(_l("%(field)s needs at least %(n)d entries.",
                               field=describe(field), n=minimum), field)
    return value


def check_text(value: Any, field: str, *, blank: bool = False) -> str:
    """`value` is a string, non-blank unless `blank` is allowed."""
    if not isinstance(value, str):
        raise QuestionError(_l("%(field)s must be text.", field=describe(field)), field)
    if not blank and not value.strip():
        raise QuestionError(_l("%(field)s must not be empty.", field=describe(field)), field)
    return value


def check_number(value: Any, field: str) -> float:
    """`value` is a finite number (not a bool)."""
    if not is_number(value):
        raise QuestionError(_l("%(field)s must be a number.", field=describe(field)), field)
    return value


def check_fraction(value: Any, field: str) -> float:
    """`value` is a number within -1..1."""
    check_number(value, field)
    if not -1.0 <= value <= 1.0:
        raise QuestionError(_l("%(field)s must be between -1 and 1.", field=describe(field)), field)
    return value


def check_weighted_texts(payload: dict, key: str, minimum: int) -> list[dict]:
    """payload[key] is a list of {"text", "fraction", "feedback"} (feedback optional)."""
    field = f"payload.{key}"
    entries = check_list(payload.get(key), field, minimum)
    for index, entry in enumerate(entries):
        where = f"{field}[{index}]"
        check_keys(entry, where, {"text", "fraction", "feedback"}, {"text", "fraction"})
        check_text(entry["text"], f"{where}.text")
        check_fraction(entry["fraction"], f"{where}.fraction")
        check_text(entry.get("feedback", ""), f"{where}.feedback", blank=True)
    return entries


def check_distinct(texts: list[str], field: str) -> None:
    """No two of `texts` are the same once surrounding spaces are ignored."""
    seen: set[str] = set()
    for index, text in enumerate(texts):
        key = text.strip()
        if key in seen:
            raise QuestionError(_l("%(field)s repeats “%(text)s”.", field=describe(field),
                                   text=key), f"{field}[{index}]")
        seen.add(key)


def has_full_credit(entries: list[dict], field: str) -> None:
    """At least one entry carries fraction 1.0, so full marks are reachable."""
    if not any(is_full(entry["fraction"]) for entry in entries):
        raise QuestionError(_l("At least one answer must be worth full credit (1.0)."), field)
