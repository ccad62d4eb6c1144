"""QuestionData → one row of the Excel question template (the importer reads it back equal).

Each question is written in the template's cell syntax (importers/xlsx_syntax). The row is
then read back as the importer would read it; whatever comes back different (option
feedback, a text format other than Markdown, more than eight options, a "|" inside a
fill-in answer, control characters Excel cannot store …) goes into the 附加数据 column as
JSON: field values, and the whole payload when the option and answer cells cannot carry it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.services.quiz.data import QuestionData
from app.services.quiz.importers.xlsx import read_common, read_row
from app.services.quiz.importers.xlsx_payloads import read_payload
from app.services.quiz.importers.xlsx_syntax import (
    ANSWER,
    CATEGORY,
    DIFFICULTY,
    EXPLANATION,
    EXTRA,
    LETTERS,
    OPTION_COLUMNS,
    OTHER_NUMBER,
    POINTS,
    RUBRIC,
    SCENARIO,
    SCORING_WORDS,
    STEM,
    TAGS,
    TITLE,
    TYPE_COLUMN,
    TYPE_LABELS,
    WEIGHTED,
    CellError,
    cell_text,
)
from app.services.quiz.types.multiple_choice import imported_scoring
from app.services.quiz.types.numerical import as_decimal, format_number, is_other

Row = dict[str, Any]


class XlsxExportError(ValueError):
    """A question the template cannot carry even with 附加数据 (an invalid question)."""


def question_row(question: QuestionData) -> Row:
    """The template row {column: value} for `question`; XlsxExportError if it is invalid."""
    row = common_cells(question)
    try:
        row.update(WRITERS[question.type](question.payload))
    except (KeyError, TypeError, AttributeError, IndexError):  # a malformed payload
        pass
    try:
        extra = _extra(question, row)
    except CellError:  # an unknown type
        extra = None
    if extra:
        row[EXTRA] = json.dumps(extra, ensure_ascii=False, sort_keys=True)
    try:
        same = extra is not None and read_row(as_texts(row)) == question
    except CellError:
        same = False
    if not same:
        raise XlsxExportError(f"question {question.title or question.stem[:40]!r} cannot be "
                              "written to the Excel template (is it valid?)")
    return row


def as_texts(row: Row) -> dict[str, str]:
    """The row as the importer sees it once saved: every cell as text."""
    return {column: cell_text(value) for column, value in row.items()}


def common_cells(question: QuestionData) -> Row:
    """题型, 题干 and the other cells every type shares."""
    points = question.points
    return {
        TYPE_COLUMN: TYPE_LABELS.get(question.type, question.type), STEM: clean(question.stem),
        TITLE: clean(question.title), SCENARIO: clean(question.scenario),
        EXPLANATION: clean(question.explanation), CATEGORY: clean(question.category),
        TAGS: "、".join(clean(tag) for tag in question.tags),
        DIFFICULTY: question.difficulty,
        POINTS: int(points) if float(points).is_integer() else points,
    }


def clean(text: Any) -> str:
    """Text as a cell can hold it: line breaks as "\\n", no control characters."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _extra(question: QuestionData, row: Row) -> dict[str, Any]:
    """What reading `row` back gets wrong: {field: the question's value}."""
    texts = as_texts(row)
    wanted = question.to_dict()
    got = read_common(texts)
    extra = {name: value for name, value in wanted.items()
             if name not in ("type", "payload") and got.get(name) != value}
    try:
        payload = read_payload(question.type, texts)
    except CellError:
        payload = None
    if payload != wanted["payload"]:
        extra["payload"] = wanted["payload"]
    return extra


def percent(fraction: float) -> str:
    """A fraction as a percentage that reads back exactly: 0.5 → "50", 1/3 → "33.33…"."""
    text = format(Decimal(repr(float(fraction))).scaleb(2).normalize(), "f")
    return "0" if text == "-0" else text


def _options(options: list[dict]) -> Row:
    return {column: clean(entry["text"]) for column, entry in zip(OPTION_COLUMNS, options,
                                                                  strict=False)}


def _choice(payload: dict, *, single: bool) -> Row:
    options = payload["options"]
    positive = [entry["fraction"] for entry in options if entry["fraction"] > 0]
    equal = not single and all(f == 1.0 / len(positive) for f in positive)
    parts = []
    for letter, entry in zip(LETTERS, options, strict=False):
        fraction = entry["fraction"]
        if (single and fraction == 1.0) or (equal and fraction > 0):
            parts.append(letter)
        elif fraction != 0:
            parts.append(f"{letter}={percent(fraction)}%")
    answer = ",".join(parts)
    scoring = payload.get("scoring")
    if not single and scoring in SCORING_WORDS and scoring != imported_scoring(options):
        answer += " " + SCORING_WORDS[scoring][0]
    return _options(options) | {ANSWER: answer}


def _weighted(text: str, fraction: float) -> str:
    """An answer with its credit: "=50%" unless it is 100% (and the text looks unweighted)."""
    if fraction == 1.0 and not WEIGHTED.match(text):
        return text
    return f"{text}={percent(fraction)}%"


def _fill_blank(payload: dict) -> Row:
    answers = [_weighted(clean(entry["text"]), entry["fraction"])
               for entry in payload["answers"]]
    return {ANSWER: " | ".join(answers)}


def _number(value: float) -> str:
    return format_number(as_decimal(value))


def _numerical(payload: dict) -> Row:
    answers = []
    for entry in payload["answers"]:
        if is_other(entry):
            text = OTHER_NUMBER
        elif entry.get("value") is not None:
            text = _number(entry["value"])
            if entry.get("tolerance"):
                text += "±" + _number(entry["tolerance"])
        else:
            text = _number(entry["min"]) + ".." + _number(entry["max"])
        answers.append(_weighted(text, entry["fraction"]))
    return {ANSWER: " | ".join(answers)}


def _matching(payload: dict) -> Row:
    texts = [f"{clean(pair['left'])} -> {clean(pair['right'])}" for pair in payload["pairs"]]
    texts += [f"-> {clean(text)}" for text in payload.get("distractors", [])]
    return dict(zip(OPTION_COLUMNS, texts, strict=False))


def _ordering(payload: dict) -> Row:
    return dict(zip(OPTION_COLUMNS, (clean(item) for item in payload["items"]), strict=False))


def _short_answer(payload: dict) -> Row:
    return {ANSWER: clean(payload.get("reference", "")),
            RUBRIC: "\n".join(clean(point) for point in payload.get("rubric", []))}


WRITERS: dict[str, Callable[[dict], Row]] = {
    "single_choice": lambda payload: _choice(payload, single=True),
    "multiple_choice": lambda payload: _choice(payload, single=False),
    "true_false": lambda payload: {ANSWER: "对" if payload["answer"] else "错"},
    "fill_blank": _fill_blank,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "short_answer": _short_answer,
}
