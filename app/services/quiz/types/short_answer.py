"""short_answer: free text graded by a person against a reference answer and rubric points."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import Grade, QuestionError, is_number
from app.services.quiz.types.base import QuestionType
from app.services.quiz.types.checks import check_keys, check_list, check_text
from app.services.quiz.types.parsing import parse_text
from app.services.quiz.types.registry import register

MAX_ANSWER = 20000


def grade_by_person(points_awarded: float, max_points: float, comment: str = "") -> Grade:
    """The Grade a person gives: points_awarded ÷ max_points, with their comment as feedback."""
    if not is_number(max_points) or max_points <= 0:
        raise QuestionError(_l("The maximum points must be greater than zero."), "max_points")
    if not is_number(points_awarded) or not 0 <= points_awarded <= max_points:
        raise QuestionError(_l("Award between 0 and %(max)s points.", max=f"{max_points:g}"),
                            "points_awarded")
    return Grade(round(points_awarded / max_points, 9), [comment] if comment else [])


@register
class ShortAnswer(QuestionType):
    """Any non-blank answer waits for a person (needs_review); a blank one scores 0."""

    name = "short_answer"
    label = _l("Short answer")

    def validate_payload(self, payload: dict) -> None:
        """A reference answer (may be empty) and a list of non-empty rubric points."""
        check_keys(payload, "payload", {"reference", "rubric"}, set())
        check_text(payload.get("reference", ""), "payload.reference", blank=True)
        rubric = check_list(payload.get("rubric", []), "payload.rubric", 0)
        for index, point in enumerate(rubric):
            check_text(point, f"payload.rubric[{index}]")

    def parse_response(self, payload: dict, raw: Any) -> str:
        """The text without surrounding spaces, at most 20,000 characters."""
        return parse_text(raw, max_length=MAX_ANSWER)

    def score(self, payload: dict, response: str) -> Grade:
        """Ungraded: a person grades it later with grade_by_person."""
        return Grade(None, [], needs_review=True)

    def model_response(self, payload: dict) -> str:
        """The reference answer (shown to graders and on review pages)."""
        return payload.get("reference", "")
