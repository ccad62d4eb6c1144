"""The Excel question template's option and answer cells of each question type → payload
(docs/question-format.md, "Excel template"); the columns, names and words they use are in
xlsx_syntax. A problem raises CellError naming the column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import numerical_answer, option, other_number
from app.services.quiz.importers.xlsx_syntax import (
    ALL_OR_NOTHING,
    ALTERNATIVES,
    ANSWER,
    ARROW,
    CHOICE_ITEM,
    CHOICE_SEPARATORS,
    CHOICE_TOKEN,
    LETTER_DOT,
    OPTION_COLUMNS,
    OPTION_TYPES,
    OTHER_NUMBER_WORDS,
    RANGE,
    RUBRIC,
    RUBRIC_SEPARATORS,
    TOLERANCE,
    VALUE,
    WEIGHTED,
    CellError,
    CellErrors,
    Cells,
    Problems,
    scoring_word,
)
from app.services.quiz.types.multiple_choice import imported_scoring
from app.services.quiz.types.true_false import FALSE_WORDS, TRUE_WORDS


def read_payload(kind: str, cells: Cells) -> dict[str, Any]:
    """The payload of a question of type `kind` from its option, answer and rubric cells;
    CellErrors names every cell at fault."""
    problems = Problems()
    if kind != "short_answer" and cells.get(RUBRIC, "").strip():
        problems.add(CellError(RUBRIC, _l("Only short-answer questions use this column: "
                                          "leave it empty.")))
    if kind in OPTION_TYPES:
        problems.add(*option_gaps(cells))
    payload = problems.take(PAYLOADS[kind], cells)
    problems.check()
    return payload


def fraction_of(percent: Decimal) -> float:
    """A weight in percent (-100..100) as a fraction, exact for any decimal written."""
    return float(percent.scaleb(-2))


def _filled(cells: Cells) -> list[str]:
    texts = [cells.get(column, "").strip() for column in OPTION_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def option_gaps(cells: Cells) -> list[CellError]:
    """One error per empty option cell before a filled one."""
    return [CellError(column, _l("This option is empty, but a later option is filled in."))
            for column, text in zip(OPTION_COLUMNS, _filled(cells), strict=False) if not text]


def options(cells: Cells) -> list[str]:
    """The filled option cells A, B, … in order; a gap before a filled option is an error."""
    gaps = option_gaps(cells)
    if gaps:
        raise CellErrors(gaps)
    return _filled(cells)


def _no_options(cells: Cells) -> None:
    filled = [column for column in OPTION_COLUMNS if cells.get(column, "").strip()]
    if filled:
        raise CellErrors([CellError(column, _l("This question type has no options: leave the "
                                               "option columns empty.")) for column in filled])


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


def choice_answer(text: str, count: int) -> tuple[dict[int, Decimal | None], str | None]:
    """{option index: weight in percent or None} and the scoring rule named (or None).

    Letters as trainers type them: B, b, Ｂ, B., AC, A,C, A，C, A、C, a c, A/C."""
    text = unicodedata.normalize("NFKC", text)
    rule, text = scoring_word(text)
    text = LETTER_DOT.sub(" ", text.upper())
    text = re.sub(r"\s*([=%])\s*", r"\1", text)
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
    return weights, rule


def _single_choice(cells: Cells) -> dict[str, Any]:
    texts = _filled(cells)  # read_payload reports the gaps
    weights, rule = choice_answer(_answer(cells), len(texts))
    if rule is not None:
        raise CellError(ANSWER, _l("A scoring rule such as “%(mark)s” is only for "
                                   "multiple-choice questions.", mark=ALL_OR_NOTHING))
    right = [i for i, weight in weights.items() if weight is None or weight == 100]
    if len(right) != 1:
        raise CellError(ANSWER, _l("A single-choice question has exactly one right option: "
                                   "name one letter without a weight (others may have one, "
                                   "such as B,C=50%%)."))
    fractions = {i: 1.0 if i in right else fraction_of(w) for i, w in weights.items()}
    return {"options": [option(text, fractions.get(i, 0.0)) for i, text in enumerate(texts)]}


def _multiple_choice(cells: Cells) -> dict[str, Any]:
    texts = _filled(cells)  # read_payload reports the gaps
    weights, rule = choice_answer(_answer(cells), len(texts))
    plain = [i for i, weight in weights.items() if weight is None]
    if plain and any(weight is not None and weight > 0 for weight in weights.values()):
        raise CellError(ANSWER, _l("Give every right option a weight, or none (then they "
                                   "share the credit equally)."))
    share = 1.0 / len(plain) if plain else 0.0
    fractions = {i: share if w is None else fraction_of(w) for i, w in weights.items()}
    choices = [option(text, fractions.get(i, 0.0)) for i, text in enumerate(texts)]
    return {"options": choices, "scoring": rule or imported_scoring(choices)}


TRUE_FALSE_EXTRA = ({"✔", "☑"}, {"✘", "✕", "╳", "x"})


def true_false_word(text: str) -> bool | None:
    """True/False for 对/错, √/×, ✓/✗, 正确/错误, T/F, 是/否, true/false …; else None."""
    word = unicodedata.normalize("NFKC", text).strip().rstrip("。.").strip().casefold()
    if word in TRUE_WORDS | TRUE_FALSE_EXTRA[0]:
        return True
    if word in FALSE_WORDS | TRUE_FALSE_EXTRA[1]:
        return False
    return None


def _true_false(cells: Cells) -> dict[str, Any]:
    """The answer as a word, or as the letter of an option that is one (选项A 正确, 选项B 错误)."""
    texts = _filled(cells)
    meanings = [true_false_word(text) for text in texts]
    if texts and (len(texts) != 2 or None in meanings or meanings[0] == meanings[1]):
        _no_options(cells)
    answer = unicodedata.normalize("NFKC", _answer(cells)).strip().rstrip(".").strip()
    value = true_false_word(answer)
    if texts and len(answer) == 1 and answer.upper() in "AB":
        value = meanings["AB".index(answer.upper())]
    if value is None:
        raise CellError(ANSWER, _l("Write the answer as %(words)s.",
                                   words="对 / 错, 正确 / 错误, √ / ×, T / F, 是 / 否"
                                         + (", A / B" if texts else "")))
    return {"answer": value, "feedback_true": "", "feedback_false": ""}


def alternatives(cells: Cells, *, other: float | None = None) -> list[tuple[str, float]]:
    """The answer cell's "|"-separated answers, each with its credit (default 100%; for
    "any other number", `other`)."""
    found = []
    for part in ALTERNATIVES.split(_answer(cells)):
        part = part.strip()
        weighted = WEIGHTED.match(part)
        text = weighted.group(1).strip() if weighted else part
        if not text:
            raise CellError(ANSWER, _l("One of the answers separated by “|” is empty."))
        default = other if other is not None and text in OTHER_NUMBER_WORDS else 1.0
        found.append((text, fraction_of(_weight(weighted.group(2), ANSWER)) if weighted
                      else default))
    return found


def _fill_blank(cells: Cells) -> dict[str, Any]:
    _no_options(cells)
    return {"answers": [option(text, fraction) for text, fraction in alternatives(cells)]}


def _numerical(cells: Cells) -> dict[str, Any]:
    _no_options(cells)
    answers = []
    for text, fraction in alternatives(cells, other=0.0):
        text = unicodedata.normalize("NFKC", text).strip()
        if text in OTHER_NUMBER_WORDS:
            answers.append(other_number(fraction))
        elif found := RANGE.fullmatch(text):
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
