"""multiple_choice: several right options; partial credit (negative weights) or all-or-nothing."""

from __future__ import annotations

from random import Random
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import SCORING_MODES, Grade, QuestionError
from app.services.quiz.types.base import QuestionType, shuffled
from app.services.quiz.types.checks import (
    FRACTION_TOLERANCE,
    check_distinct,
    check_keys,
    check_weighted_texts,
)
from app.services.quiz.types.parsing import clamp_fraction, option_feedback, parse_index_list
from app.services.quiz.types.registry import register


def positive_indexes(payload: dict) -> list[int]:
    """Indexes of the options worth more than 0."""
    return [i for i, o in enumerate(payload["options"]) if o["fraction"] > 0]


@register
class MultipleChoice(QuestionType):
    """Pick any options; `scoring` is "partial" (the default) or "all_or_nothing"."""

    name = "multiple_choice"
    label = _l("Multiple choice")

    def make_layout(self, payload: dict, shuffle: bool, rng: Random) -> dict:
        """The options' display order (shuffled when the quiz says so)."""
        count = len(payload["options"])
        return {"order": shuffled(count, rng) if shuffle else list(range(count))}

    def validate_payload(self, payload: dict) -> None:
        """Two or more distinct options; positive fractions sum to 1.0; a known scoring."""
        check_keys(payload, "payload", {"options", "scoring"}, {"options"})
        options = check_weighted_texts(payload, "options", 2)
        check_distinct([o["text"] for o in options], "payload.options")
        if payload.get("scoring", "partial") not in SCORING_MODES:
            raise QuestionError(_l("Scoring must be “partial” or “all_or_nothing”."),
                                "payload.scoring")
        total = sum(o["fraction"] for o in options if o["fraction"] > 0)
        if abs(total - 1.0) > FRACTION_TOLERANCE:
            raise QuestionError(
                _l("The right options' fractions must add up to 1 (they add up to %(sum)s).",
                   sum=f"{total:g}"), "payload.options")

    def parse_response(self, payload: dict, raw: Any) -> list[int]:
        """Sorted distinct option indexes, from a list or a string like "0,2"."""
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = [raw]
        count = len(payload["options"])
        return sorted(set(parse_index_list(raw, count)))

    def score(self, payload: dict, response: list[int]) -> Grade:
        """Partial: the sum of chosen fractions, clamped; all-or-nothing: exactly the right set."""
        options = payload["options"]
        feedback = [text for i in response for text in option_feedback(options[i])]
        if payload.get("scoring", "partial") == "all_or_nothing":
            exact = set(response) == set(positive_indexes(payload))
            return Grade(1.0 if exact else 0.0, feedback)
        positive_total = sum(options[i]["fraction"] for i in positive_indexes(payload))
        chosen = sum(options[i]["fraction"] for i in response)
        return Grade(clamp_fraction(chosen / positive_total), feedback)

    def model_response(self, payload: dict) -> list[int]:
        """The indexes of every option worth more than 0."""
        return positive_indexes(payload)
