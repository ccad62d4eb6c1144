"""fill_blank: a typed answer compared leniently with several accepted answers (填空题)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import Grade, QuestionError
from app.services.quiz.textmatch import normalise_answer_text
from app.services.quiz.types.base import QuestionType
from app.services.quiz.types.checks import (
    check_keys,
    check_weighted_texts,
    has_full_credit,
    is_full,
)
from app.services.quiz.types.parsing import clamp_fraction, option_feedback, parse_text
from app.services.quiz.types.registry import register


@register
class FillBlank(QuestionType):
    """The best accepted answer that matches (see textmatch) gives its fraction and feedback."""

    name = "fill_blank"
    label = _l("Fill in the blank")

    def validate_payload(self, payload: dict) -> None:
        """One or more accepted answers, none empty once normalised, one worth 1.0."""
        check_keys(payload, "payload", {"answers"}, {"answers"})
        answers = check_weighted_texts(payload, "answers", 1)
        for index, answer in enumerate(answers):
            if not normalise_answer_text(answer["text"]):
                raise QuestionError(_l("An accepted answer is only punctuation."),
                                    f"payload.answers[{index}].text")
        has_full_credit(answers, "payload.answers")

    def parse_response(self, payload: dict, raw: Any) -> str:
        """The typed text without surrounding spaces."""
        return parse_text(raw)

    def score(self, payload: dict, response: str) -> Grade:
        """The highest fraction among matching answers (the first on a tie); else 0."""
        key = normalise_answer_text(response)
        best = None
        for answer in payload["answers"]:
            if normalise_answer_text(answer["text"]) != key:
                continue
            if best is None or answer["fraction"] > best["fraction"]:
                best = answer
        if best is None:
            return Grade(0.0, [])
        return Grade(clamp_fraction(best["fraction"]), option_feedback(best))

    def model_response(self, payload: dict) -> str:
        """The first accepted answer worth full credit."""
        return next(a["text"] for a in payload["answers"] if is_full(a["fraction"]))
