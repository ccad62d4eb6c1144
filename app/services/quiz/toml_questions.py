"""The `[[questions]]` tables of quiz.toml and SOP files → QuestionData (docs/content-format.md).

The file shape is the short one a trainer writes by hand: `options` plus `answer` indexes for
choices, `answer` values for the rest; this turns it into the registry's payload and lets the
question's own type validate it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionData, QuestionError, numerical_answer, option
from app.services.quiz.types import validate_question
from app.services.quiz.types.multiple_choice import ticking_everything_wins

COMMON_KEYS = {"key", "type", "stem", "scenario", "title", "explanation", "difficulty",
               "points", "tags"}
TYPE_KEYS = {
    "single_choice": {"options", "answer"},
    "multiple_choice": {"options", "answer", "scoring"},
    "true_false": {"answer"},
    "fill_blank": {"answer"},
    "numerical": {"answer", "tolerance", "range"},
    "matching": {"pairs", "distractors"},
    "ordering": {"options"},
    "short_answer": {"reference", "rubric"},
}


def question_from_table(raw: dict[str, Any]) -> QuestionData:
    """One `[[questions]]` table as a valid QuestionData; QuestionError names the key."""
    kind = raw.get("type")
    if kind not in TYPE_KEYS:
        raise QuestionError(_l("Unknown question type: %(name)s.", name=str(kind)), "type")
    for key in raw:
        if key not in COMMON_KEYS | TYPE_KEYS[kind]:
            raise QuestionError(_l("Unknown key '%(key)s' for this question type.", key=key),
                                key)
    common = {key: raw[key] for key in COMMON_KEYS - {"key"} if key in raw}
    data = QuestionData.from_dict({**common, "payload": PAYLOADS[kind](raw)})
    validate_question(data)
    if kind == "multiple_choice" and ticking_everything_wins(data.payload):
        raise QuestionError(_l("scoring = \"weights\" needs wrong options that cost points, "
                               "which quiz.toml cannot give: ticking every option would earn "
                               "full points. Use proportional, half or all_or_nothing."),
                            "scoring")
    return data


def _options(raw: dict) -> list:
    options = raw.get("options")
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise QuestionError(_l("'options' must be a list of texts."), "options")
    return options


def _indexes(raw: dict, count: int) -> list[int]:
    answer = raw.get("answer")
    answer = [answer] if isinstance(answer, int) and not isinstance(answer, bool) else answer
    if (not isinstance(answer, list) or not answer
            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < count
                       for i in answer)):
        raise QuestionError(_l("'answer' must list option numbers from 0 to %(max)d.",
                               max=count - 1), "answer")
    return answer


def _single(raw: dict) -> dict:
    options = _options(raw)
    right = _indexes(raw, len(options))
    if len(right) != 1:
        raise QuestionError(_l("A single-choice question has exactly one answer."), "answer")
    return {"options": [option(text, 1.0 if i == right[0] else 0.0)
                        for i, text in enumerate(options)]}


def _multiple(raw: dict) -> dict:
    options = _options(raw)
    right = set(_indexes(raw, len(options)))
    payload = {"options": [option(text, round(1.0 / len(right), 9) if i in right else 0.0)
                           for i, text in enumerate(options)]}
    if "scoring" in raw:
        payload["scoring"] = raw["scoring"]
    return payload


def _true_false(raw: dict) -> dict:
    return {"answer": raw.get("answer")}


def _fill_blank(raw: dict) -> dict:
    answers = raw.get("answer")
    answers = [answers] if isinstance(answers, str) else answers
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise QuestionError(_l("'answer' must be the accepted answers (texts)."), "answer")
    return {"answers": [option(text, 1.0) for text in answers]}


def _numerical(raw: dict) -> dict:
    if "range" in raw:
        low_high = raw["range"]
        if not isinstance(low_high, list) or len(low_high) != 2:
            raise QuestionError(_l("'range' must be [lowest, highest]."), "range")
        return {"answers": [numerical_answer(min=low_high[0], max=low_high[1])]}
    values = raw.get("answer")
    values = values if isinstance(values, list) else [values]
    return {"answers": [numerical_answer(value, raw.get("tolerance", 0)) for value in values]}


def _matching(raw: dict) -> dict:
    pairs = raw.get("pairs")
    if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 for p in pairs):
        raise QuestionError(_l("'pairs' must be a list of [left, right]."), "pairs")
    return {"pairs": [{"left": left, "right": right} for left, right in pairs],
            "distractors": raw.get("distractors", [])}


def _ordering(raw: dict) -> dict:
    return {"items": _options(raw)}


def _short_answer(raw: dict) -> dict:
    return {"reference": raw.get("reference", ""), "rubric": raw.get("rubric", [])}


PAYLOADS = {"single_choice": _single, "multiple_choice": _multiple, "true_false": _true_false,
            "fill_blank": _fill_blank, "numerical": _numerical, "matching": _matching,
            "ordering": _ordering, "short_answer": _short_answer}
