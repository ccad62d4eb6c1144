"""Question types: a registry of plug-ins (validate, normalise a response, grade, render)."""

from __future__ import annotations

from typing import Any

from app.services.quiz.data import Grade, QuestionData

# Importing a type module registers it; data.TYPE_NAMES gives the display order.
from app.services.quiz.types import (  # noqa: F401
    fill_blank,
    matching,
    multiple_choice,
    numerical,
    ordering,
    short_answer,
    single_choice,
    true_false,
)
from app.services.quiz.types.base import QuestionType
from app.services.quiz.types.registry import TYPES, get_type, register
from app.services.quiz.types.short_answer import grade_by_person

__all__ = ["TYPES", "QuestionType", "get_type", "grade_by_person", "grade_response",
           "register", "validate_question"]


def validate_question(question: QuestionData) -> None:
    """Validate `question` with its own type; QuestionError names what is wrong."""
    get_type(question.type).validate(question)


def grade_response(question: QuestionData, raw: Any) -> Grade:
    """Normalise a raw response and grade it (QuestionError for a garbage response)."""
    kind = get_type(question.type)
    return kind.grade(question, kind.normalise_response(question, raw))
