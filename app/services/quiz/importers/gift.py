"""Moodle GIFT import: `parse_gift(text)` → ImportResult (all or nothing, errors by line).

Read as Moodle's qformat_gift reads a file (see gift_lexer, gift_question, gift_answers);
each question is then checked by its type in the question-type registry.
"""

from __future__ import annotations

from app.services.importers.report import RowError
from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.importers.gift_lexer import Block, split_blocks
from app.services.quiz.importers.gift_meta import read_meta
from app.services.quiz.importers.gift_question import read_block
from app.services.quiz.importers.result import ImportResult, ParseError, finish
from app.services.quiz.types import get_type


def parse_gift(text: str) -> ImportResult:
    """Every question of a GIFT file; descriptions are skipped and counted in `skipped`."""
    questions: list[QuestionData] = []
    errors: list[RowError] = []
    skipped, category = 0, ""
    for block in split_blocks(text):
        try:
            item = read_block(block, category)
        except ParseError as error:
            errors.append(RowError(error.line or block.start_line, error.message))
            continue
        if item.kind == "category":
            category = item.category
        elif item.kind == "description":
            skipped += 1
        elif item.question is not None:
            problem = validation_error(item.question)
            if problem is None:
                questions.append(item.question)
            else:
                errors.append(RowError(_line_of(block, problem), problem.message))
    return finish(questions, skipped, errors)


def validation_error(question: QuestionData) -> QuestionError | None:
    """What the registry finds wrong with `question`, or None when it is valid."""
    try:
        get_type(question.type).validate(question)
    except QuestionError as error:
        return error
    return None


def _line_of(block: Block, error: QuestionError) -> int:
    """The metadata comment's line when the faulty field came from it, else the question's."""
    found = read_meta(block)
    name = (error.field or "").split(".")[0].split("[")[0]
    if found is not None and name in found[1]:
        return found[0]
    return block.start_line
