"""The trainer's question form as plain values ⇄ QuestionData, checked by the type registry.

`build_question` reads what was typed (DomainError naming the form field at fault);
`question_input` fills the form from a stored question so that an unchanged form builds
exactly the stored data again (except a 多选题 stored with the legacy "partial": the form shows
the rule it is graded by, and saving stores that rule).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.quiz import question_lines as ql
from app.services.quiz.data import (
    DEFAULT_SCORING,
    SCORING_MODES,
    QuestionData,
    QuestionError,
    option,
)
from app.services.quiz.types import get_type, validate_question
from app.services.quiz.types.checks import is_full
from app.services.quiz.types.multiple_choice import scoring_rule, ticking_everything_wins
from app.services.quiz.types.numerical import as_decimal, format_number
from app.services.validation import clean_multiline, clean_text

STEM = _l("Question text")
SCENARIO = _l("Scenario")
EXPLANATION = _l("Explanation")
CATEGORY = _l("Category")
TAGS = _l("Tags")
OPTION = _l("Option")
CATEGORY_LENGTH = 500
MAX_POINTS = 1000
TAG_SPLIT = re.compile(r"[,，、;；\n]")
CHOICE_TYPES = ("single_choice", "multiple_choice")


@dataclass
class OptionRow:
    """One option of a choice question; `credit` is a percentage, blank = from `correct`."""

    text: str | None = ""
    correct: bool = False
    credit: str | None = ""
    feedback: str | None = ""

    def is_blank(self) -> bool:
        return not (self.correct or any((v or "").strip()
                                        for v in (self.text, self.credit, self.feedback)))


@dataclass
class QuestionInput:
    """Every field of the question form, as typed; the per-type ones are used by their type."""

    type: str
    stem: str | None = ""
    title: str | None = ""
    scenario: str | None = ""
    explanation: str | None = ""
    category: str | None = ""
    tags: str | None = ""
    difficulty: str | None = "3"
    points: str | None = "1"
    text_format: str = "markdown"  # kept from the stored question; not on the form
    options: list[OptionRow] = field(default_factory=list)
    scoring: str | None = DEFAULT_SCORING
    answer: str | None = "true"
    feedback_true: str | None = ""
    feedback_false: str | None = ""
    answers: str | None = ""
    pairs: str | None = ""
    distractors: str | None = ""
    items: str | None = ""
    reference: str | None = ""
    rubric: str | None = ""


# ---- common fields ---------------------------------------------------------------------------

def clean_category_path(text: str | None, field: str = "category") -> str:
    """"top / sub" → "top/sub" without empty parts ("" for no category)."""
    parts = [part.strip() for part in (text or "").split("/") if part.strip()]
    path = "/".join(parts)
    return clean_text(path, field=field, label=CATEGORY, max_length=CATEGORY_LENGTH,
                      required=False) or ""


def parse_tags(text: str | None, field: str = "tags") -> list[str]:
    """Tags separated by commas (, ，), 、 or semicolons; repeats dropped."""
    tags: list[str] = []
    for part in TAG_SPLIT.split(text or ""):
        tag = clean_text(part.strip(), field=field, label=TAGS, max_length=40, required=False)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def parse_difficulty(text: str | None) -> int:
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value.isdigit() or int(value) not in range(1, 6):
        raise DomainError(_l("Difficulty must be between 1 and 5."), "difficulty")
    return int(value)


def parse_points(text: str | None) -> float:
    try:
        value = Decimal(unicodedata.normalize("NFKC", text or "").strip())
    except InvalidOperation:
        raise DomainError(_l("Points must be a number."), "points") from None
    if not value.is_finite():
        raise DomainError(_l("Points must be a number."), "points")
    if value <= 0:
        raise DomainError(_l("Points must be greater than zero."), "points")
    if value > MAX_POINTS:
        raise DomainError(_l("Points must be at most %(max)d.", max=MAX_POINTS), "points")
    return float(value)


def _common(inp: QuestionInput) -> dict[str, Any]:
    return {
        "stem": clean_multiline(inp.stem, field="stem", label=STEM, max_length=20_000,
                                required=True),
        "title": clean_text(inp.title, field="title", label=_l("Title"), max_length=200,
                            required=False) or "",
        "scenario": clean_multiline(inp.scenario, field="scenario", label=SCENARIO,
                                    max_length=5000) or "",
        "explanation": clean_multiline(inp.explanation, field="explanation",
                                       label=EXPLANATION, max_length=10_000) or "",
        "category": clean_category_path(inp.category),
        "tags": parse_tags(inp.tags),
        "difficulty": parse_difficulty(inp.difficulty),
        "points": parse_points(inp.points),
    }


# ---- per-type payloads -----------------------------------------------------------------------

def _fractions(kind: str, rows: list[OptionRow]) -> list[float]:
    """Each row's credit: typed, else 1 when correct (multiple: the rest shared equally)."""
    typed = [ql.percent_to_fraction(r.credit, "options") if (r.credit or "").strip() else None
             for r in rows]
    if kind == "single_choice":
        return [1.0 if r.correct else (t or 0.0) for r, t in zip(rows, typed, strict=True)]
    sharing = sum(1 for r, t in zip(rows, typed, strict=True) if r.correct and t is None)
    rest = 1.0 - sum(t for t in typed if t is not None and t > 0)
    share = rest / sharing if sharing else 0.0
    return [t if t is not None else (share if r.correct else 0.0)
            for r, t in zip(rows, typed, strict=True)]


def choice_options(kind: str, rows: list[OptionRow]) -> list[dict[str, Any]]:
    """The options the rows describe (blank rows dropped); DomainError names "options"."""
    rows = [row for row in rows if not row.is_blank()]
    for number, row in enumerate(rows, start=1):
        if not (row.text or "").strip():
            raise DomainError(_l("Option %(n)d has no text.", n=number), "options")
        clean_text(row.text, field="options", label=OPTION, max_length=2000)
        clean_text(row.feedback, field="options", label=OPTION, max_length=2000,
                   required=False)
    if len(rows) < 2:
        raise DomainError(_l("Give at least two options."), "options")
    ql.check_no_repeats([row.text for row in rows], "options")
    return [option(row.text.strip(), fraction, (row.feedback or "").strip())
            for row, fraction in zip(rows, _fractions(kind, rows), strict=True)]


def _block(text: str | None, name: str, label) -> str:
    """A one-per-line textarea: control characters and its length checked."""
    return clean_multiline(text, field=name, label=label, max_length=20_000) or ""


def _list(inp: QuestionInput, name: str, label, minimum: int = 0, message=None) -> list[str]:
    entries = ql.lines(_block(getattr(inp, name), name, label))
    if len(entries) < minimum:
        raise DomainError(message, name)
    ql.check_no_repeats(entries, name)
    return entries


def _true_false(inp: QuestionInput) -> dict[str, Any]:
    if inp.answer not in ("true", "false"):
        raise DomainError(_l("The answer must be true or false."), "answer")
    feedback = {key: clean_text(getattr(inp, key), field=key, label=_l("Feedback"),
                                max_length=2000, required=False) or ""
                for key in ("feedback_true", "feedback_false")}
    return {"answer": inp.answer == "true", **feedback}


def _weighted(inp: QuestionInput, parse) -> dict[str, Any]:
    answers = parse(_block(inp.answers, "answers", _l("Answers")))
    if not answers:
        raise DomainError(_l("Give at least one answer."), "answers")
    return {"answers": answers}


def _matching(inp: QuestionInput) -> dict[str, Any]:
    pairs = ql.parse_pairs(_block(inp.pairs, "pairs", _l("Pairs")))
    if len(pairs) < 2:
        raise DomainError(_l("Give at least two pairs."), "pairs")
    ql.check_no_repeats([pair["left"] for pair in pairs], "pairs")
    return {"pairs": pairs, "distractors": _list(inp, "distractors", _l("Distractors"))}


def _short_answer(inp: QuestionInput) -> dict[str, Any]:
    reference = clean_multiline(inp.reference, field="reference", label=_l("Reference answer"),
                                max_length=10_000) or ""
    return {"reference": reference, "rubric": _list(inp, "rubric", _l("Rubric points"))}


PAYLOADS = {
    "single_choice": lambda inp: {"options": choice_options("single_choice", inp.options)},
    "multiple_choice": lambda inp: {"options": choice_options("multiple_choice", inp.options),
                                    "scoring": inp.scoring},
    "true_false": _true_false,
    "fill_blank": lambda inp: _weighted(inp, ql.parse_accepted_answers),
    "numerical": lambda inp: _weighted(inp, ql.parse_numerical_answers),
    "matching": _matching,
    "ordering": lambda inp: {"items": _list(inp, "items", _l("Steps in order"), 2,
                                            _l("Give at least two steps."))},
    "short_answer": _short_answer,
}


def build_question(inp: QuestionInput) -> QuestionData:
    """The question the form describes, validated by its type; DomainError names the field."""
    get_type(inp.type)
    if inp.type == "multiple_choice" and inp.scoring not in SCORING_MODES:
        raise DomainError(_l("Choose how the question is scored."), "scoring")
    data = QuestionData(type=inp.type, text_format=inp.text_format, **_common(inp),
                        payload=PAYLOADS[inp.type](inp))
    try:
        validate_question(data)
    except QuestionError as error:
        raise DomainError(error.message, form_field(error.field)) from None
    if data.type == "multiple_choice" and ticking_everything_wins(data.payload):
        raise DomainError(_l("Ticking every option would earn full points: with per-option "
                             "weights, give the wrong options a negative credit (e.g. -50), "
                             "or choose another scoring rule."), "options")
    return data


def form_field(name: str | None) -> str | None:
    """The form field of a QuestionError field: "payload.options[2].text" → "options"."""
    if not name:
        return None
    return re.split(r"[.\[]", name.removeprefix("payload."), maxsplit=1)[0]


# ---- stored question → form ------------------------------------------------------------------

def option_rows(kind: str, options: list[dict[str, Any]]) -> list[OptionRow]:
    """Rows that give back exactly `options`: credits shown only where the boxes do not."""
    fractions = [o["fraction"] for o in options]
    rows = [OptionRow(o["text"], o["fraction"] > 0 if kind != "single_choice"
                      else is_full(o["fraction"]), "", o.get("feedback", "")) for o in options]
    for row, fraction in zip(rows, fractions, strict=True):
        if fraction < 0 or (kind == "single_choice" and 0 < fraction < 1):
            row.credit = ql.fraction_to_percent(fraction)
    if kind == "single_choice" or _fractions(kind, rows) == fractions:
        return rows
    for row, fraction in zip(rows, fractions, strict=True):
        row.credit = ql.fraction_to_percent(fraction) if fraction else ""
    return rows


def question_input(data: QuestionData, category: str) -> QuestionInput:
    """The form's values for a stored question (its category: the bank's current path)."""
    payload = data.payload
    inp = QuestionInput(
        type=data.type, stem=data.stem, title=data.title, scenario=data.scenario,
        explanation=data.explanation, category=category, tags="、".join(data.tags),
        difficulty=str(data.difficulty), points=format_number(as_decimal(data.points)),
        text_format=data.text_format,
        options=option_rows(data.type, payload.get("options", [])),
        scoring=(scoring_rule(payload) if data.type == "multiple_choice" else DEFAULT_SCORING),
        answer="true" if payload.get("answer", True) else "false",
        feedback_true=payload.get("feedback_true", ""),
        feedback_false=payload.get("feedback_false", ""),
        pairs=ql.format_pairs(payload.get("pairs", [])),
        distractors="\n".join(payload.get("distractors", [])),
        items="\n".join(payload.get("items", [])),
        reference=payload.get("reference", ""), rubric="\n".join(payload.get("rubric", [])),
    )
    if data.type == "numerical":
        inp.answers = ql.format_numerical_answers(payload.get("answers", []))
    elif data.type == "fill_blank":
        inp.answers = ql.format_accepted_answers(payload.get("answers", []))
    return inp
