"""The quiz interchange shape: QuestionData, Grade and QuestionError (docs/question-format.md)."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, fields
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

TYPE_NAMES = ("single_choice", "multiple_choice", "true_false", "fill_blank", "numerical",
              "matching", "ordering", "short_answer")
TEXT_FORMATS = ("markdown", "html", "plain")
# How a multiple_choice question is scored (docs/question-format.md):
#   proportional    错选不得分、少选按比例 — any wrong tick scores 0, else the right ones ticked
#                   earn their share (the default for new and imported questions);
#   half            错选不得分、少选得一半 — any wrong tick 0, all right 1, some right 0.5;
#   all_or_nothing  全对才得分 — exactly the right set, else 0;
#   weights         Moodle's per-option weights — the chosen fractions (negative ones too)
#                   added up and clamped to 0..1.
# "partial" is what questions stored before these rules say; it grades as "weights" when an
# option carries a negative weight (the author priced wrong ticks) and as "proportional"
# otherwise, so ticking every option never earns full marks.
SCORING_MODES = ("proportional", "half", "all_or_nothing", "weights")
LEGACY_SCORING = "partial"
DEFAULT_SCORING = "proportional"
_TEXT_FIELDS = ("type", "stem", "title", "scenario", "explanation", "text_format", "category")


class QuestionError(DomainError):
    """A question (or a response to one) is malformed; `field` names the part at fault."""


@dataclass(frozen=True)
class QuestionData:
    """One question of any type; `payload` holds the per-type part, all JSON-compatible."""

    type: str
    stem: str
    title: str = ""
    scenario: str = ""
    explanation: str = ""
    text_format: str = "markdown"
    category: str = ""
    tags: list[str] = field(default_factory=list)
    difficulty: int = 3
    points: float = 1.0
    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible deep copy of every field."""
        return {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, copy_data: bool = True) -> QuestionData:
        """Rebuild from `to_dict()` output; missing fields default, unknown ones are refused.
        Without `copy_data` the result shares `data`'s lists and dicts (for a stored version
        that is only read, as grading does: copying 20 questions was a tenth of 交卷)."""
        if not isinstance(data, dict):
            raise QuestionError(_l("A question must be an object."), "question")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise QuestionError(_l("Unknown question field: %(name)s.", name=unknown[0]),
                                unknown[0])
        for name in ("type", "stem"):
            if name not in data:
                raise QuestionError(_l("The question has no %(name)s.", name=name), name)
        check_shape(data)
        values = copy.deepcopy(data) if copy_data else dict(data)
        if "points" in values:
            values["points"] = float(values["points"])
        return cls(**values)


@dataclass(frozen=True)
class Grade:
    """A graded response: fraction 0..1 (None until a person grades), feedback strings."""

    fraction: float | None
    feedback: list[Any] = field(default_factory=list)
    needs_review: bool = False

    def __post_init__(self) -> None:
        if self.fraction is None:
            if not self.needs_review:
                raise ValueError("an ungraded Grade must need review")
        elif not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction {self.fraction!r} is outside 0..1")


def option(text: str, fraction: float = 0.0, feedback: str = "") -> dict[str, Any]:
    """An option (single/multiple choice) or accepted answer (fill_blank) in payload shape."""
    return {"text": text, "fraction": float(fraction), "feedback": feedback}


def numerical_answer(value: float | None = None, tolerance: float = 0.0, *,
                     min: float | None = None, max: float | None = None,
                     fraction: float = 1.0, feedback: str = "") -> dict[str, Any]:
    """A numerical answer: give `value` (± `tolerance`) or both `min` and `max`, not both."""
    if value is not None:
        return {"value": value, "tolerance": tolerance, "min": None, "max": None,
                "fraction": float(fraction), "feedback": feedback}
    return {"value": None, "tolerance": None, "min": min, "max": max,
            "fraction": float(fraction), "feedback": feedback}


def other_number(fraction: float = 0.0, feedback: str = "") -> dict[str, Any]:
    """Moodle's "*" numerical answer (GIFT `~#feedback`): any number no answer above matched."""
    return {"value": None, "tolerance": None, "min": None, "max": None,
            "fraction": float(fraction), "feedback": feedback}


def is_number(value: Any) -> bool:
    """True for a finite int or float that is not a bool."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def check_shape(data: dict[str, Any]) -> None:
    """Refuse fields of the wrong JSON type (the per-type payload is checked by its type)."""
    for name in _TEXT_FIELDS:
        if name in data and not isinstance(data[name], str):
            raise QuestionError(_l("%(name)s must be text.", name=name), name)
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QuestionError(_l("Tags must be a list of text."), "tags")
    difficulty = data.get("difficulty", 3)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        raise QuestionError(_l("Difficulty must be a whole number."), "difficulty")
    if not is_number(data.get("points", 1.0)):
        raise QuestionError(_l("Points must be a number."), "points")
    if not isinstance(data.get("payload", {}), dict):
        raise QuestionError(_l("The payload must be an object."), "payload")
