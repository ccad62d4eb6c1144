"""One GIFT block → a question, a $CATEGORY switch, a skipped description, or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionData
from app.services.quiz.importers.gift_answers import read_answers
from app.services.quiz.importers.gift_lexer import Block, decode, protect
from app.services.quiz.importers.gift_meta import apply_meta
from app.services.quiz.importers.gift_pieces import clean, strip_format
from app.services.quiz.importers.result import ParseError

BLANK = "____"  # where a missing-word question's answers were
CATEGORY = "$CATEGORY:"
_CONTEXT = re.compile(r"^\$\w+\$/(top(/|$))?")  # Moodle's "$course$/top/" path prefix


@dataclass(frozen=True)
class Item:
    """What a block holds: kind is "empty", "category", "description" or "question"."""

    kind: str
    question: QuestionData | None = None
    category: str = ""


def read_block(block: Block, category: str) -> Item:
    """Read `block`; `category` is the one in force. ParseError carries the file line."""
    try:
        text = protect(block.raw)
    except ParseError as error:
        error.line = block.line_at(block.raw, error.offset or 0)
        raise
    try:
        return _read(block, text, category)
    except ParseError as error:
        if error.line is None:
            known = error.offset is not None
            error.line = block.line_at(text, error.offset) if known else block.start_line
        raise


def _read(block: Block, text: str, category: str) -> Item:
    start = len(text) - len(text.lstrip())
    if start == len(text) or text.startswith(CATEGORY, start):
        _no_meta(block)
        if start == len(text):
            return Item("empty")
        return Item("category", category=read_category(text[start + len(CATEGORY):]))
    title, body = _title(text, start)
    braces = _braces(text, body)
    if braces is None:
        _no_meta(block)
        return Item("description")
    question = _question(text, body, braces, title, category)
    return Item("question", apply_meta(question, block))


def _no_meta(block: Block) -> None:
    if block.metas:
        raise ParseError(_l("A sop-academy comment must come right before a question."),
                         line=block.metas[0][0])


def read_category(text: str) -> str:
    """The category path after $CATEGORY: ("$course$/top/" prefixes dropped)."""
    if text.strip().count("\n"):
        raise ParseError(_l("Leave a blank line after the $CATEGORY line."))
    return _CONTEXT.sub("", decode(text).strip(), count=1)


def _title(text: str, start: int) -> tuple[str, int]:
    """(::name::, where the question text starts); as Moodle, a name never closed with ::
    leaves no name, the question text starting after the opening ::."""
    if not text.startswith("::", start):
        return "", start
    end = text.find("::", start + 2)
    if end < 0:
        return "", start + 2
    return decode(text[start + 2 : end]).strip(), end + 2


def _braces(text: str, body: int) -> tuple[int, int] | None:
    """Offsets of the answer block's { and }; None when there is none (a description)."""
    opening, closing = text.find("{", body), text.find("}", body)
    if opening < 0 and closing < 0:
        return None
    if closing < 0:
        raise ParseError(_l("The answers’ “{” is never closed with “}”."), offset=opening)
    if opening < 0 or closing < opening:
        raise ParseError(_l("A “}” has no “{” before it; escape it as \\}."), offset=closing)
    extra = text.find("{", opening + 1)
    if 0 <= extra < closing:
        raise ParseError(_l("A “{” inside the answers must be escaped as \\{."), offset=extra)
    if extra > closing or text.find("}", closing + 1) > 0:
        raise ParseError(_l("A question has only one answer block {…}; escape other braces."),
                         offset=closing)
    return opening, closing


def _question(text: str, body: int, braces: tuple[int, int], title: str,
              category: str) -> QuestionData:
    opening, closing = braces
    before, after = text[body:opening], text[closing + 1 :]
    stem = before + BLANK + after if after.strip() else before
    text_format, stem = strip_format(stem.strip())
    answers = text[opening + 1 : closing]
    explanation = ""
    general = answers.rfind("####")
    if general >= 0:
        answers, explanation = answers[:general], clean(answers[general + 4 :])
    kind, payload = read_answers(answers, opening + 1)
    return QuestionData(type=kind, stem=decode(stem).strip(), title=title,
                        explanation=explanation, text_format=text_format or "markdown",
                        category=category, payload=payload)
