"""single_choice: one option is right (fraction 1.0); the others are worth less, as in
Moodle (GIFT `{=完全正确 ~%50%部分正确 ~错误}`: a half-right option, or a negative one)."""

from __future__ import annotations

from random import Random
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import Grade, QuestionError
from app.services.quiz.types.base import QuestionType, shuffled
from app.services.quiz.types.checks import (
    check_distinct,
    check_keys,
    check_weighted_texts,
    is_full,
)
from app.services.quiz.types.parsing import (
    clamp_fraction,
    option_feedback,
    parse_index,
    parse_index_list,
)
from app.services.quiz.types.registry import register


@register
class SingleChoice(QuestionType):
    """Pick one option; its fraction (clamped to 0..1) is the grade."""

    name = "single_choice"
    label = _l("Single choice")

    def make_layout(self, payload: dict, shuffle: bool, rng: Random) -> dict:
        """The options' display order (shuffled when the quiz says so)."""
        count = len(payload["options"])
        return {"order": shuffled(count, rng) if shuffle else list(range(count))}

    def validate_payload(self, payload: dict) -> None:
        """Two or more distinct options, exactly one worth 1.0, the others less (-1..1)."""
        check_keys(payload, "payload", {"options"}, {"options"})
        options = check_weighted_texts(payload, "options", 2)
        check_distinct([o["text"] for o in options], "payload.options")
        full = [i for i, o in enumerate(options) if is_full(o["fraction"])]
        if len(full) != 1:
            raise QuestionError(_l("Exactly one option must be fully correct (1.0)."),
                                "payload.options")

    def parse_response(self, payload: dict, raw: Any) -> int:
        """An option index; a one-element list (a form's getlist) is accepted too."""
        count = len(payload["options"])
        if isinstance(raw, list | tuple):
            indexes = parse_index_list(raw, count)
            if len(indexes) != 1:
                raise QuestionError(_l("Choose exactly one option."), "response")
            return indexes[0]
        return parse_index(raw, count)

    def score(self, payload: dict, response: int) -> Grade:
        """The chosen option's fraction, clamped to 0..1, with its feedback."""
        option = payload["options"][response]
        return Grade(clamp_fraction(option["fraction"]), option_feedback(option))

    def model_response(self, payload: dict) -> int:
        """The index of the fully correct option."""
        return next(i for i, o in enumerate(payload["options"]) if is_full(o["fraction"]))
