"""The question-type registry: one plug-in instance per type name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionError

if TYPE_CHECKING:
    from app.services.quiz.types.base import QuestionType

TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: instantiate a question type and register it under its `name`."""
    if cls.name in TYPES:
        raise ValueError(f"question type {cls.name!r} is already registered")
    TYPES[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    """The registered type called `name`; QuestionError (field "type") when there is none."""
    try:
        return TYPES[name]
    except (KeyError, TypeError):
        raise QuestionError(_l("Unknown question type: %(name)s.", name=str(name)),
                            "type") from None
