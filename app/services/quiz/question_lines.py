"""The one-per-line notations of the trainer's question form, read and written back.

    fill_blank   an accepted answer per line:   玻尿酸            (full credit)
                                                透明质酸=50%      (half credit)
                                                HA=50% # 反馈     (credit and feedback)
    numerical    a number, a tolerance or a range per line:  12 · 12±0.5 · 12+-0.5 · 10..15
                 (the same "=50%" and " # feedback" endings); a last line * (or 其他) is
                 any other number, worth 0 unless it says "=NN%":  * # 完全不对
    matching     a pair per line:               冰敷 -> 消肿
    plain lists  one entry per line (ordering items, rubric points, distractors)

`format_*` writes a payload back in the notation so that reading it again gives the same
payload: saving an unchanged form must not create a new question version.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.quiz.data import QuestionError, numerical_answer, option, other_number
from app.services.quiz.types.numerical import as_decimal, format_number, is_other, parse_number

OTHER_NUMBER = ("*", "＊", "其他", "其它")

WEIGHT = re.compile(r"\s*[=＝]\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")
FEEDBACK = re.compile(r"\s+[#＃]\s*")
TOLERANCE = re.compile(r"\s*(?:±|\+-|\+/-)\s*")
RANGE = re.compile(r"\s*\.\.\s*")
ARROW = re.compile(r"\s*(?:->|→|－>)\s*")


def lines(text: str | None) -> list[str]:
    """The non-blank lines of `text`, without their surrounding spaces."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def percent_to_fraction(text: str, field: str) -> float:
    """"50", "50%" or "-33.3" (full-width digits too) → 0.5; DomainError outside -100..100."""
    cleaned = unicodedata.normalize("NFKC", text).strip().rstrip("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise DomainError(_l("“%(value)s” is not a percentage.", value=text[:40]),
                          field) from None
    if not value.is_finite() or not -100 <= value <= 100:
        raise DomainError(_l("A credit must be between -100% and 100%."), field)
    return float(value / 100)


def fraction_to_percent(fraction: float) -> str:
    """0.5 → "50", 0.3333333 → "33.33333" (exactly what percent_to_fraction reads back)."""
    return format_number(as_decimal(fraction) * 100)


def _split_endings(line: str, field: str) -> tuple[str, float | None, str]:
    """A line's body, its "=NN%" credit (None when absent) and its " # feedback"."""
    body, *rest = FEEDBACK.split(line, maxsplit=1)
    feedback = rest[0].strip() if rest else ""
    match = WEIGHT.search(body)
    if match is None:
        return body.strip(), None, feedback
    return body[:match.start()].strip(), percent_to_fraction(match.group(1), field), feedback


def _endings(fraction: float, feedback: str) -> str:
    weight = "" if fraction == 1.0 else f"={fraction_to_percent(fraction)}%"
    return weight + (f" # {feedback}" if feedback else "")


def parse_accepted_answers(text: str | None, field: str = "answers") -> list[dict[str, Any]]:
    """fill_blank answers, one per line."""
    answers = []
    for number, line in enumerate(lines(text), start=1):
        body, fraction, feedback = _split_endings(line, field)
        if not body:
            raise DomainError(_l("Line %(line)d has no answer before its credit.",
                                 line=number), field)
        answers.append(option(body, 1.0 if fraction is None else fraction, feedback))
    return answers


def format_accepted_answers(answers: list[dict[str, Any]]) -> str:
    return "\n".join(a["text"] + _endings(a["fraction"], a.get("feedback", ""))
                     for a in answers)


def _number(text: str, number: int, field: str) -> float:
    try:
        return float(parse_number(text))
    except QuestionError:
        raise DomainError(_l("Line %(line)d: “%(value)s” is not a number.", line=number,
                             value=text[:40]), field) from None


def parse_numerical_answers(text: str | None, field: str = "answers") -> list[dict[str, Any]]:
    """numerical answers, one per line: value, value±tolerance or min..max."""
    answers = []
    for number, line in enumerate(lines(text), start=1):
        body, fraction, feedback = _split_endings(line, field)
        if body in OTHER_NUMBER:
            answers.append(other_number(fraction or 0.0, feedback))
            continue
        fraction = 1.0 if fraction is None else fraction
        if RANGE.search(body):
            low, high = RANGE.split(body, maxsplit=1)
            answers.append(numerical_answer(min=_number(low, number, field),
                                            max=_number(high, number, field),
                                            fraction=fraction, feedback=feedback))
            continue
        value, *tolerance = TOLERANCE.split(body, maxsplit=1)
        answers.append(numerical_answer(
            _number(value, number, field),
            _number(tolerance[0], number, field) if tolerance else 0.0,
            fraction=fraction, feedback=feedback))
    return answers


def _show(value: float | int) -> str:
    return format_number(as_decimal(value))


def format_numerical_answers(answers: list[dict[str, Any]]) -> str:
    rows = []
    for answer in answers:
        if is_other(answer):
            fraction, feedback = answer["fraction"], answer.get("feedback", "")
            weight = f"={fraction_to_percent(fraction)}%" if fraction else ""
            rows.append("*" + weight + (f" # {feedback}" if feedback else ""))
            continue
        if answer.get("value") is not None:
            body = _show(answer["value"])
            if answer.get("tolerance"):
                body += f"±{_show(answer['tolerance'])}"
        else:
            body = f"{_show(answer['min'])}..{_show(answer['max'])}"
        rows.append(body + _endings(answer["fraction"], answer.get("feedback", "")))
    return "\n".join(rows)


def parse_pairs(text: str | None, field: str = "pairs") -> list[dict[str, str]]:
    """matching pairs, one "left -> right" per line."""
    pairs = []
    for number, line in enumerate(lines(text), start=1):
        parts = ARROW.split(line, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise DomainError(_l("Line %(line)d is not a pair like “冰敷 -> 消肿”.",
                                 line=number), field)
        pairs.append({"left": parts[0].strip(), "right": parts[1].strip()})
    return pairs


def format_pairs(pairs: list[dict[str, str]]) -> str:
    return "\n".join(f"{pair['left']} -> {pair['right']}" for pair in pairs)


def check_no_repeats(texts: list[str], field: str) -> None:
    """A friendly message when two entries of a list are the same."""
    seen: set[str] = set()
    for text in texts:
        key = text.strip()
        if key in seen:
            raise DomainError(_l("“%(text)s” appears twice.", text=key[:80]), field)
        seen.add(key)
