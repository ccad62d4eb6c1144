"""What an importer returns: the questions, how many descriptions were skipped, the errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.services.quiz.data import QuestionData


@dataclass(frozen=True)
class LineError:
    """A problem in the file: the 1-based line it is on and a (lazy) translated message."""

    line: int
    message: Any

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"


@dataclass
class ImportResult:
    """All-or-nothing: when `errors` is not empty, `questions` is empty too."""

    questions: list[QuestionData] = field(default_factory=list)
    skipped: int = 0
    errors: list[LineError] = field(default_factory=list)

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


def finish(questions: list[QuestionData], skipped: int, errors: list[LineError]) -> ImportResult:
    """The result, emptied of questions when anything failed, errors sorted by line."""
    errors = sorted(errors, key=lambda error: error.line)
    return ImportResult([] if errors else questions, skipped, errors)
