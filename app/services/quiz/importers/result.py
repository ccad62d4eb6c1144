"""What a question parser returns: the questions, how many descriptions were skipped, the
errors (the shared RowError: `line` is its row, 0 for the file as a whole)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.services.importers.report import RowError
from app.services.quiz.data import QuestionData


@dataclass
class ImportResult:
    """All-or-nothing: when `errors` is not empty, `questions` is empty too."""

    questions: list[QuestionData] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ParseError(Exception):
    """Raised inside a parser; `offset` (into the text being read) or `line` locates it."""

    def __init__(self, message: Any, *, offset: int | None = None, line: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.offset = offset
        self.line = line


def finish(questions: list[QuestionData], skipped: int, errors: list[RowError]) -> ImportResult:
    """The result, emptied of questions when anything failed, errors sorted by line."""
    errors = sorted(errors, key=lambda error: error.line)
    return ImportResult([] if errors else questions, skipped, errors)
