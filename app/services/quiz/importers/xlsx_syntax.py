"""The Excel question template's cell syntax: its columns, type names, and the option and
answer cells of each question type → payload (docs/question-format.md, "Excel template").

Cells arrive as text (see `cell_text`); a problem raises CellError naming the column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.importers import sources
from app.services.quiz.data import numerical_answer, option
from app.services.quiz.types.multiple_choice import imported_scoring
from app.services.quiz.types.true_false import FALSE_WORDS, TRUE_WORDS

Cells = Mapping[str, str]

TYPE_COLUMN, STEM, ANSWER, RUBRIC, EXPLANATION = "题型", "题干", "答案", "评分要点", "解析"
POINTS, CATEGORY, DIFFICULTY, TAGS = "分值", "分类", "难度", "标签"
SCENARIO, TITLE, EXTRA = "情景", "标题", "附加数据"
LETTERS = "ABCDEFGH"
OPTION_COLUMNS = tuple(f"选项{letter}" for letter in LETTERS)
COLUMNS = (TYPE_COLUMN, STEM, *OPTION_COLUMNS, ANSWER, RUBRIC, EXPLANATION, POINTS, CATEGORY,
           DIFFICULTY, TAGS, SCENARIO, TITLE)
KNOWN_COLUMNS = (*COLUMNS, EXTRA)
REQUIRED_COLUMNS = (TYPE_COLUMN, STEM)

TYPE_LABELS = {"single_choice": "单选题", "multiple_choice": "多选题", "true_false": "判断题",
               "fill_blank": "填空题", "numerical": "数值题", "matching": "匹配题",
               "ordering": "排序题", "short_answer": "简答题"}
TYPE_ALIASES = {"单项选择题": "single_choice", "多项选择题": "multiple_choice",
                "连线题": "matching", "问答题": "short_answer"}
for _name, _label in TYPE_LABELS.items():
    TYPE_ALIASES.update({_name: _name, _label: _name, _label[:-1]: _name})

ALL_OR_NOTHING = "全对"
WEIGHT = r"[+-]?\d+(?:\.\d+)?"
CHOICE_ITEM = re.compile(rf"([A-Z])(?:=({WEIGHT})%)?")
CHOICE_TOKEN = re.compile(rf"(?:[A-Z](?:={WEIGHT}%)?)+")
CHOICE_SEPARATORS = re.compile(r"[\s,;、]+")
WEIGHTED = re.compile(rf"^(.*?)\s*[=＝]\s*({WEIGHT})\s*[%％]$", re.DOTALL)
ALTERNATIVES = re.compile(r"[|｜]")
NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
RANGE = re.compile(rf"({NUMBER})\s*(?:\.\.|~)\s*({NUMBER})")
TOLERANCE = re.compile(rf"({NUMBER})\s*(?:±|\+-|\+/-)\s*({NUMBER})")
VALUE = re.compile(NUMBER)
ARROW = re.compile(r"[-－][>＞]|→")
RUBRIC_SEPARATORS = re.compile(r"[|｜\n]")


class CellError(Exception):
    """A cell that cannot be read: `column` names it, `message` says why (lazy string)."""

    def __init__(self, column: str, message: Any):
        super().__init__(str(message))
        self.column = column
        self.message = message


def cell_text(value: Any) -> str:
    """A cell's value as the text typed: 12 and 12.0 → "12", 0.5 → "0.5", None → ""."""
    return sources.cell_text(value) or ""


def read_payload(kind: str, cells: Cells) -> dict[str, Any]:
    """The payload of a question of type `kind` from its option, answer and rubric cells."""
    if kind != "short_answer" and cells.get(RUBRIC, "").strip():
        raise CellError(RUBRIC, _l("Only short-answer questions use this column: leave it "
                                   "empty."))
    return PAYLOADS[kind](cells)


def fraction_of(percent: Decimal) -> float:
    """A weight in percent (-100..100) as a fraction, exact for any decimal written."""
    return float(percent.scaleb(-2))


def options(cells: Cells) -> list[str]:
    """The filled option cells A, B, … in order; a gap before a filled option is an error."""
    texts = [cells.get(column, "").strip() for column in OPTION_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    for column, text in zip(OPTION_COLUMNS, texts, strict=False):
        if not text:
            raise CellError(column, _l("This option is empty, but a later option is filled "
                                       "in."))
    return texts


def _no_options(cells: Cells) -> None:
    for column in OPTION_COLUMNS:
        if cells.get(column, "").strip():
            raise CellError(column, _l("This question type has no options: leave the option "
                                       "columns empty."))


def _answer(cells: Cells) -> str:
    text = cells.get(ANSWER, "").strip()
    if not text:
        raise CellError(ANSWER, _l("The answer is missing."))
    return text


def _no_answer(cells: Cells) -> None:
    if cells.get(ANSWER, "").strip():
        raise CellError(ANSWER, _l("Leave the answer empty for this question type: the options "
                                   "hold the answer."))


def _weight(text: str, column: str) -> Decimal:
    weight = Decimal(text)
    if not -100 <= weight <= 100:
        raise CellError(column, _l("The weight %(weight)s%% is not between -100%% and 100%%.",
                                   weight=text))
    return weight


def choice_answer(text: str, count: int) -> tuple[dict[int, Decimal | None], bool]:
    """{option index: weight in percent or None} and whether the all-or-nothing mark is set."""
    text = unicodedata.normalize("NFKC", text).upper()
    strict = ALL_OR_NOTHING in text
    text = re.sub(r"\s*([=%])\s*", r"\1", text.replace(ALL_OR_NOTHING, " "))
    weights: dict[int, Decimal | None] = {}
    for token in CHOICE_SEPARATORS.split(text.strip()):
        if token and not CHOICE_TOKEN.fullmatch(token):
            raise CellError(ANSWER, _l("Write the answer as option letters, such as "
                                       "%(examples)s.", examples="B, ACD, A,C,D, A,C,D,B=-50%"))
        for found in CHOICE_ITEM.finditer(token):
            index = ord(found.group(1)) - ord("A")
            if index >= count:
                raise CellError(ANSWER, _l("The answer names option %(letter)s, which is "
                                           "empty.", letter=found.group(1)))
            if index in weights:
                raise CellError(ANSWER, _l("The answer names option %(letter)s twice.",
                                           letter=found.group(1)))
            weight = found.group(2)
            weights[index] = None if weight is None else _weight(weight, ANSWER)
    return weights, strict


def _single_choice(cells: Cells) -> dict[str, Any]:
    texts = options(cells)
    weights, strict = choice_answer(_answer(cells), len(texts))
    if strict:
        raise CellError(ANSWER, _l("“%(mark)s” is only for multiple-choice questions.",
                                   mark=ALL_OR_NOTHING))
    right = [i for i, weight in weights.items() if weight is None or weight == 100]
    if len(right) != 1:
        raise CellError(ANSWER, _l("A single-choice question has exactly one right option: "
                                   "name one letter without a weight."))
    fractions = {i: 1.0 if i in right else fraction_of(w) for i, w in weights.items()}
    return {"options": [option(text, fractions.get(i, 0.0)) for i, text in enumerate(texts)]}


def _multiple_choice(cells: Cells) -> dict[str, Any]:
    texts = options(cells)
    weights, strict = choice_answer(_answer(cells), len(texts))
    plain = [i for i, weight in weights.items() if weight is None]
    if plain and any(weight is not None and weight > 0 for weight in weights.values()):
        raise CellError(ANSWER, _l("Give every right option a weight, or none (then they "
                                   "share the credit equally)."))
    share = 1.0 / len(plain) if plain else 0.0
    fractions = {i: share if w is None else fraction_of(w) for i, w in weights.items()}
    choices = [option(text, fractions.get(i, 0.0)) for i, text in enumerate(texts)]
    return {"options": choices,
            "scoring": "all_or_nothing" if strict else imported_scoring(choices)}


def _true_false(cells: Cells) -> dict[str, Any]:
    _no_options(cells)
    word = unicodedata.normalize("NFKC", _answer(cells)).strip().casefold()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise CellError(ANSWER, _l("Write the answer as %(words)s.",
                                   words="对 / 错, 正确 / 错误, √ / ×, true / false"))
    return {"answer": word in TRUE_WORDS, "feedback_true": "", "feedback_false": ""}


def alternatives(cells: Cells) -> list[tuple[str, float]]:
    """The answer cell's "|"-separated answers, each with its credit (default 100%)."""
    found = []
    for part in ALTERNATIVES.split(_answer(cells)):
        part = part.strip()
        weighted = WEIGHTED.match(part)
        text = weighted.group(1).strip() if weighted else part
        if not text:
            raise CellError(ANSWER, _l("One of the answers separated by “|” is empty."))
        found.append((text, fraction_of(_weight(weighted.group(2), ANSWER)) if weighted
                      else 1.0))
    return found


def _fill_blank(cells: Cells) -> dict[str, Any]:
    _no_options(cells)
    return {"answers": [option(text, fraction) for text, fraction in alternatives(cells)]}


def _numerical(cells: Cells) -> dict[str, Any]:
    _no_options(cells)
    answers = []
    for text, fraction in alternatives(cells):
        text = unicodedata.normalize("NFKC", text).strip()
        if found := RANGE.fullmatch(text):
            low, high = float(found.group(1)), float(found.group(2))
            answers.append(numerical_answer(min=low, max=high, fraction=fraction))
        elif found := TOLERANCE.fullmatch(text):
            answers.append(numerical_answer(float(found.group(1)), float(found.group(2)),
                                            fraction=fraction))
        elif VALUE.fullmatch(text):
            answers.append(numerical_answer(float(text), 0.0, fraction=fraction))
        else:
            raise CellError(ANSWER, _l("“%(text)s” is not a number, a number ± tolerance or a "
                                       "range such as %(example)s.", text=text[:40],
                                       example="10..15"))
    return {"answers": answers}


def _matching(cells: Cells) -> dict[str, Any]:
    _no_answer(cells)
    pairs, distractors = [], []
    for column, text in zip(OPTION_COLUMNS, options(cells), strict=False):
        arrow = ARROW.search(text)
        if arrow is None:
            raise CellError(column, _l("Write a pair as “left -> right”, or “-> right” for an "
                                       "extra right-hand choice."))
        left, right = text[:arrow.start()].strip(), text[arrow.end():].strip()
        if not right:
            raise CellError(column, _l("The right-hand side of this pair is empty."))
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return {"pairs": pairs, "distractors": distractors}


def _ordering(cells: Cells) -> dict[str, Any]:
    _no_answer(cells)
    return {"items": options(cells)}


def _short_answer(cells: Cells) -> dict[str, Any]:
    _no_options(cells)
    rubric = [point.strip() for point in RUBRIC_SEPARATORS.split(cells.get(RUBRIC, ""))]
    return {"reference": cells.get(ANSWER, "").strip(), "rubric": [p for p in rubric if p]}


PAYLOADS: dict[str, Callable[[Cells], dict[str, Any]]] = {
    "single_choice": _single_choice,
    "multiple_choice": _multiple_choice,
    "true_false": _true_false,
    "fill_blank": _fill_blank,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "short_answer": _short_answer,
}
