"""true_false: a statement the learner judges right or wrong (判断题)."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import Grade, QuestionError
from app.services.quiz.types.base import QuestionType
from app.services.quiz.types.checks import check_keys, check_text
from app.services.quiz.types.registry import register

TRUE_WORDS = {"true", "t", "yes", "y", "1", "对", "正确", "是", "√", "✓"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "错", "错误", "否", "×", "✗"}


@register
class TrueFalse(QuestionType):
    """Answer true or false; the feedback shown depends on what the learner chose."""

    name = "true_false"
    label = _l("True / false")

    def validate_payload(self, payload: dict) -> None:
        """`answer` is a bool; both feedbacks are text."""
        allowed = {"answer", "feedback_true", "feedback_false"}
        check_keys(payload, "payload", allowed, {"answer"})
        if not isinstance(payload["answer"], bool):
            raise QuestionError(_l("The answer must be true or false."), "payload.answer")
        for key in ("feedback_true", "feedback_false"):
            check_text(payload.get(key, ""), f"payload.{key}", blank=True)

    def parse_response(self, payload: dict, raw: Any) -> bool:
        """A bool from a bool, 0/1, or a word such as "true", "false", "对", "错"."""
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str):
            word = unicodedata.normalize("NFKC", raw).strip().casefold()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        raise QuestionError(_l("The answer must be true or false."), "response")

    def score(self, payload: dict, response: bool) -> Grade:
        """1 when the response equals the answer, with the feedback for the chosen side."""
        text = payload.get("feedback_true" if response else "feedback_false", "")
        return Grade(1.0 if response == payload["answer"] else 0.0, [text] if text else [])

    def model_response(self, payload: dict) -> bool:
        """The right answer."""
        return payload["answer"]
