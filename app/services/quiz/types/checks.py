"""Payload checks shared by the question types; each raises QuestionError naming the field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionError, is_number

FRACTION_TOLERANCE = 0.001  # for sums of fractions (GIFT writes %33.33333%)


def is_full(fraction: float) -> bool:
    """True for a fraction of exactly 1.0 (give or take float noise)."""
    return abs(fraction - 1.0) <= 1e-9


def check_keys(obj: Any, field: str, allowed: set[str], required: set[str]) -> dict:
    """`obj` is a dict with every `required` key and no key outside `allowed`."""
    if not isinstance(obj, dict):
        raise QuestionError(_l("%(field)s must be an object.", field=field), field)
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
        raise QuestionError(_l("%(field)s must be a list.", field=field), field)
    if len(value) < minimum:
        raise QuestionError(_l("%(field)s needs at least %(n)d entries.", field=field,
                               n=minimum), field)
    return value


def check_text(value: Any, field: str, *, blank: bool = False) -> str:
    """`value` is a string, non-blank unless `blank` is allowed."""
    if not isinstance(value, str):
        raise QuestionError(_l("%(field)s must be text.", field=field), field)
    if not blank and not value.strip():
        raise QuestionError(_l("%(field)s must not be empty.", field=field), field)
    return value


def check_number(value: Any, field: str) -> float:
    """`value` is a finite number (not a bool)."""
    if not is_number(value):
        raise QuestionError(_l("%(field)s must be a number.", field=field), field)
    return value


def check_fraction(value: Any, field: str) -> float:
    """`value` is a number within -1..1."""
    check_number(value, field)
    if not -1.0 <= value <= 1.0:
        raise QuestionError(_l("%(field)s must be between -1 and 1.", field=field), field)
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
            raise QuestionError(_l("%(field)s repeats “%(text)s”.", field=field, text=key),
                                f"{field}[{index}]")
        seen.add(key)


def has_full_credit(entries: list[dict], field: str) -> None:
    """At least one entry carries fraction 1.0, so full marks are reachable."""
    if not any(is_full(entry["fraction"]) for entry in entries):
        raise QuestionError(_l("At least one answer must be worth full credit (1.0)."), field)
