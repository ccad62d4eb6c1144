"""numerical: a typed number checked against value ± tolerance or a min..max range.

The last answer may be Moodle's "*" (GIFT `{#3:2 ~#完全不对}`): no value and no range, it
matches any number the answers above did not, and gives its credit (below full) and feedback.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import Grade, QuestionError
from app.services.quiz.types.base import QuestionType
from app.services.quiz.types.checks import (
    check_fraction,
    check_keys,
    check_list,
    check_number,
    check_text,
    has_full_credit,
    is_full,
)
from app.services.quiz.types.parsing import clamp_fraction, option_feedback, parse_text
from app.services.quiz.types.registry import register

ANSWER_KEYS = {"value", "tolerance", "min", "max", "fraction", "feedback"}
NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$", re.ASCII)
GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})


def parse_number(text: str) -> Decimal:
    """A Decimal from typed text: full-width digits, a leading + or -, "1,000" grouping."""
    # A comma only groups thousands ("1,5" is ambiguous, so refused); units, percent signs,
    # spaces inside the number, inf and nan are refused.
    cleaned = unicodedata.normalize("NFKC", text).translate(MINUS_SIGNS).strip()
    if GROUPED_RE.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not NUMBER_RE.match(cleaned):
        raise QuestionError(_l("“%(value)s” is not a number.", value=text[:40]), "response")
    return Decimal(cleaned)


def as_decimal(value: float | int) -> Decimal:
    """A payload number as the Decimal its shortest repr shows (2.6 - 2.5 is exactly 0.1)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def format_number(value: Decimal) -> str:
    """A Decimal as plain digits: 5, 2.5, 1000 (never 1E+3)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "+0") else text


def is_other(answer: dict) -> bool:
    """True for the "any other number" answer (no value, no range)."""
    return all(answer.get(key) is None for key in ("value", "min", "max"))


def matches(answer: dict, number: Decimal) -> bool:
    """True when `number` is within value ± tolerance or within min..max (ends included);
    the "any other number" answer matches every number."""
    if is_other(answer):
        return True
    if answer.get("value") is not None:
        tolerance = as_decimal(answer.get("tolerance") or 0)
        return abs(number - as_decimal(answer["value"])) <= tolerance
    return as_decimal(answer["min"]) <= number <= as_decimal(answer["max"])


def check_answer(answer: Any, where: str) -> None:
    """One answer: a value with a tolerance ≥ 0, or a range with min ≤ max — not both."""
    check_keys(answer, where, ANSWER_KEYS, {"fraction"})
    check_fraction(answer["fraction"], f"{where}.fraction")
    check_text(answer.get("feedback", ""), f"{where}.feedback", blank=True)
    low, high = answer.get("min"), answer.get("max")
    if answer.get("value") is not None:
        check_number(answer["value"], f"{where}.value")
        if low is not None or high is not None:
            raise QuestionError(_l("Give a value or a range, not both."), where)
        if answer.get("tolerance") is not None:
            if check_number(answer["tolerance"], f"{where}.tolerance") < 0:
                raise QuestionError(_l("The tolerance must not be negative."),
                                    f"{where}.tolerance")
        return
    if low is None or high is None:
        raise QuestionError(_l("Give a value, or both a minimum and a maximum."), where)
    if check_number(low, f"{where}.min") > check_number(high, f"{where}.max"):
        raise QuestionError(_l("The minimum must not be greater than the maximum."),
                            f"{where}.min")


def check_other(answer: dict, where: str, *, last: bool) -> None:
    """The "any other number" answer: the last one, worth less than full credit."""
    check_keys(answer, where, ANSWER_KEYS, {"fraction"})
    check_fraction(answer["fraction"], f"{where}.fraction")
    check_text(answer.get("feedback", ""), f"{where}.feedback", blank=True)
    if answer.get("tolerance") is not None:
        raise QuestionError(_l("Give a value, or both a minimum and a maximum."), where)
    if not last:
        raise QuestionError(_l("“Any other number” must be the last answer."), where)
    if answer["fraction"] >= 1.0:
        raise QuestionError(_l("“Any other number” must be worth less than full credit."),
                            f"{where}.fraction")


@register
class Numerical(QuestionType):
    """The first answer the typed number matches gives its fraction and feedback."""

    name = "numerical"
    label = _l("Numerical")

    def validate_payload(self, payload: dict) -> None:
        """One or more well-formed answers, one worth 1.0."""
        check_keys(payload, "payload", {"answers"}, {"answers"})
        answers = check_list(payload.get("answers"), "payload.answers", 1)
        for index, answer in enumerate(answers):
            where = f"payload.answers[{index}]"
            if isinstance(answer, dict) and is_other(answer):
                check_other(answer, where, last=index == len(answers) - 1)
            else:
                check_answer(answer, where)
        has_full_credit(answers, "payload.answers")

    def parse_response(self, payload: dict, raw: Any) -> str:
        """The text as typed (trimmed), once it is known to parse as a number."""
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = repr(raw)
        text = parse_text(raw, max_length=100)
        parse_number(text)
        return text

    def score(self, payload: dict, response: str) -> Grade:
        """The first matching answer's fraction (clamped to 0..1) and feedback; else 0."""
        number = parse_number(response)
        for answer in payload["answers"]:
            if matches(answer, number):
                return Grade(clamp_fraction(answer["fraction"]), option_feedback(answer))
        return Grade(0.0, [])

    def model_response(self, payload: dict) -> str:
        """The first full-credit answer's value, or the middle of its range."""
        answer = next(a for a in payload["answers"] if is_full(a["fraction"]))
        if answer.get("value") is not None:
            return format_number(as_decimal(answer["value"]))
        middle = (as_decimal(answer["min"]) + as_decimal(answer["max"])) / 2
        return format_number(middle)
