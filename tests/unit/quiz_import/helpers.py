"""Shared helpers for the GIFT / Aiken import tests."""

from __future__ import annotations

from app.services.quiz.data import QuestionData
from app.services.quiz.importers import ImportResult, parse_gift


def only(text: str) -> QuestionData:
    """The one question of a GIFT text that must import without errors."""
    result = parse_gift(text)
    assert result.errors == [], [str(error) for error in result.errors]
    assert len(result.questions) == 1
    return result.questions[0]


def error_lines(result: ImportResult) -> list[int]:
    return [error.line for error in result.errors]


def messages(result: ImportResult) -> list[str]:
    return [str(error.message) for error in result.errors]
