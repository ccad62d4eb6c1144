"""The question types of a survey, one entry each: label, whether it has options, and how a
submitted value is read (a registry, like the quiz's question types)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.validation import clean_multiline

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class QuestionType:
    key: str
    label: Any
    read: Callable  # (question, values: list[str]) → dict of SurveyAnswer fields, or None
    has_options: bool = False
    scale: tuple[int, int] | None = None


def _one_number(values: list[str], low: int, high: int) -> int | None:
    value = next((v.strip() for v in values if v.strip()), "")
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise DomainError(_l("Choose one of the answers shown."))
    return int(value)


def _single(question, values):
    number = _one_number(values, 0, len(question.options) - 1)
    return None if number is None else {"number": number}


def _multiple(question, values):
    picked = sorted({_one_number([v], 0, len(question.options) - 1) for v in values
                     if v.strip()})
    return {"choices": picked} if picked else None


def _scale(low, high):
    def read(question, values):
        number = _one_number(values, low, high)
        return None if number is None else {"number": number}
    return read


def _text(question, values):
    """As typed (line ends made "\n"); refused when too long, with control characters, or
    when it looks like a phone or ID-card number (the PII guard)."""
    text = clean_multiline("\n".join(values), field="text", label=_l("The answer"),
                           max_length=TEXT_LIMIT)
    return None if text is None else {"text": text}


TYPES: dict[str, QuestionType] = {t.key: t for t in (
    QuestionType("single", _l("Single choice"), _single, has_options=True),
    QuestionType("multiple", _l("Multiple choice"), _multiple, has_options=True),
    QuestionType("rating", _l("Rating 1–5"), _scale(1, 5), scale=(1, 5)),
    QuestionType("nps", _l("Recommendation 0–10 (NPS)"), _scale(0, 10), scale=(0, 10)),
    QuestionType("text", _l("Text"), _text),
)}


def read_answers(questions, form) -> tuple[list[tuple[Any, dict]], dict[int, str]]:
    """([(question, answer fields)], {question id: error}) of a submitted form (`form`: a
    mapping with getlist, fields named q<question id>)."""
    answers, errors = [], {}
    for question in questions:
        try:
            fields = TYPES[question.type].read(question, form.getlist(f"q{question.id}"))
        except DomainError as error:
            errors[question.id] = str(error)
            continue
        if fields is None:
            if question.required:
                errors[question.id] = str(_l("This question needs an answer."))
            continue
        answers.append((question, fields))
    return answers, errors
