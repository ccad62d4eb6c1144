"""The answer block {…} of a GIFT question → (type, payload), decided as Moodle decides.

Moodle's order: empty → essay (our short_answer); starting with # → numerical; any ~ →
multiple choice; = with -> → matching; T/TRUE/F/FALSE → true/false; else short answer
(our fill_blank). Offsets passed around point into the question text for line numbers.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import numerical_answer, option, other_number
from app.services.quiz.importers.gift_lexer import decode
from app.services.quiz.importers.gift_pieces import (
    Piece,
    answer_text,
    clean,
    need_correct,
    need_count,
    split_feedback,
    split_pieces,
    take_weight,
)
from app.services.quiz.importers.result import ParseError
from app.services.quiz.types.multiple_choice import imported_scoring

TRUE_WORDS, FALSE_WORDS = ("T", "TRUE"), ("F", "FALSE")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def read_answers(text: str, base: int) -> tuple[str, dict[str, Any]]:
    """The type and payload of the answer block `text` (general feedback already removed)."""
    stripped = text.strip()
    if not stripped:
        return "short_answer", {"reference": "", "rubric": []}
    if stripped.startswith("#"):
        start = text.index("#") + 1
        return "numerical", read_numerical(text[start:], base + start)
    if "~" in text:
        return read_choice(text, base)
    if "=" in text and "->" in text:
        return "matching", read_matching(text, base)
    check = stripped.split("#", 1)[0].strip() if "#" in stripped[1:] else stripped
    if check in TRUE_WORDS + FALSE_WORDS:
        return "true_false", read_true_false(stripped)
    return "fill_blank", read_fill_blank(text, base)


def read_choice(text: str, base: int) -> tuple[str, dict[str, Any]]:
    """~wrong =right ~%50%partial: single_choice, or multiple_choice as Moodle decides.

    As Moodle: a block with an = answer is a single-answer question (the = answer is fully
    right; the others keep their weights, so ~%50% is a half-right option), and a block
    without = lets the student tick several answers.
    """
    pieces = split_pieces(text, base, "~=")
    need_count(pieces, 2, base)
    options = [_choice_option(piece) for piece in pieces]
    fractions = [entry["fraction"] for entry in options]
    need_correct(fractions, base)
    if not any(piece.marker == "=" for piece in pieces):
        return "multiple_choice", {"options": options,
                                   "scoring": imported_scoring(options)}
    full = [piece for piece, fraction in zip(pieces, fractions, strict=True) if fraction >= 1]
    if len(full) > 1:
        raise ParseError(_l("A question with “=” has one right answer, but %(n)d answers are "
                            "worth 100%%: keep one “=”, give the others a weight such as "
                            "~%%50%%, or write every right answer with ~%%50%% and no “=” to "
                            "let students tick several.", n=len(full)), offset=full[1].offset)
    return "single_choice", {"options": options}


def _choice_option(piece: Piece) -> dict[str, Any]:
    """One option: = is worth 1 (Moodle reads no weight after =), ~ its %weight% or 0."""
    if piece.marker == "=":
        fraction, body = 1.0, piece.body.strip()
    else:
        weight, body = take_weight(piece.body, piece.offset)
        fraction = 0.0 if weight is None else weight
    text, *feedback = split_feedback(body)
    return option(answer_text(text, piece.offset), fraction,
                  clean(feedback[0]) if feedback else "")


def read_fill_blank(text: str, base: int) -> dict[str, Any]:
    """=answer =%50%partial#feedback: every accepted answer with its credit (default 100%)."""
    answers = []
    for piece in split_pieces(text, base, "="):
        weight, body = take_weight(piece.body, piece.offset)
        answer, *feedback = split_feedback(body)
        answers.append(option(answer_text(answer, piece.offset),
                              1.0 if weight is None else weight,
                              clean(feedback[0]) if feedback else ""))
    need_correct([entry["fraction"] for entry in answers], base)
    return {"answers": answers}


def read_matching(text: str, base: int) -> dict[str, Any]:
    """=left -> right; a pair with no left is a distractor (as Moodle's extra answers)."""
    pieces = split_pieces(text, base, "=")
    need_count(pieces, 2, base)
    pairs, distractors = [], []
    for piece in pieces:
        marker = piece.body.find("->")
        if marker < 0:
            raise ParseError(_l("A matching answer has no “->”."), offset=piece.offset)
        left = clean(piece.body[:marker])
        right = decode(piece.body[marker + 2 :]).strip()
        if not right:
            raise ParseError(_l("An answer is empty."), offset=piece.offset)
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return {"pairs": pairs, "distractors": distractors}


def read_true_false(text: str) -> dict[str, Any]:
    """TRUE#feedback if wrong#feedback if right (Moodle's order of the two feedbacks)."""
    answer, *feedback = split_feedback(text, 3)
    wrong = clean(feedback[0]) if feedback else ""
    right = clean(feedback[1]) if len(feedback) > 1 else ""
    is_true = answer.strip() in TRUE_WORDS
    return {"answer": is_true,
            "feedback_true": right if is_true else wrong,
            "feedback_false": wrong if is_true else right}


def read_numerical(text: str, base: int) -> dict[str, Any]:
    """#value:tolerance, #min..max, #=%n%value:tol#feedback =…, then `~#feedback`.

    As Moodle: everything from the first ~ is the feedback for any other number (its text
    before a # is ignored), stored as a last "any other number" answer worth 0; an answer
    written as * is such an answer too, with its own credit.
    """
    other = None
    catch_all = text.find("~")
    if catch_all >= 0:
        _ignored, *feedback = split_feedback(text[catch_all + 1:])
        other = other_number(0.0, clean(feedback[0]) if feedback else "")
        text = text[:catch_all]
    pieces = split_pieces(text, base, "=")
    if not pieces:
        raise ParseError(_l("The numerical question has no answer."), offset=base)
    answers = [_numerical_answer(piece) for piece in pieces]
    if other is not None:
        answers.append(other)
    need_correct([entry["fraction"] for entry in answers], base)
    return {"answers": answers}


def _numerical_answer(piece: Piece) -> dict[str, Any]:
    weight, body = take_weight(piece.body, piece.offset)
    value, *feedback = split_feedback(body)
    fraction = 1.0 if weight is None else weight
    note = clean(feedback[0]) if feedback else ""
    value = value.strip()
    if decode(value).strip() == "*":
        return other_number(fraction, note)
    if value.find("..") > 0:
        low, high = value.split("..", 1)
        return numerical_answer(min=_number(low, piece), max=_number(high, piece),
                                fraction=fraction, feedback=note)
    if value.find(":") > 0:
        value, tolerance = value.split(":", 1)
        return numerical_answer(_number(value, piece), _number(tolerance, piece),
                                fraction=fraction, feedback=note)
    return numerical_answer(_number(value, piece), 0.0, fraction=fraction, feedback=note)


def _number(text: str, piece: Piece) -> float:
    text = decode(text).strip()
    if not NUMBER.fullmatch(text):
        raise ParseError(_l("“%(text)s” is not a number.", text=text[:40]), offset=piece.offset)
    return float(text)
