"""matching: pair each left item with its right item; distractors are rights with no left."""

from __future__ import annotations

from random import Random
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import Grade, QuestionError
from app.services.quiz.types.base import QuestionType, shuffled
from app.services.quiz.types.checks import check_distinct, check_keys, check_list, check_text
from app.services.quiz.types.parsing import parse_index
from app.services.quiz.types.registry import register


def rights(payload: dict) -> list[str]:
    """The right-hand choices as indexed by a response: the pairs' rights, then distractors."""
    return [pair["right"] for pair in payload["pairs"]] + list(payload.get("distractors", []))


@register
class Matching(QuestionType):
    """The grade is the fraction of left items matched to a right item with the right text."""

    name = "matching"
    label = _l("Matching")

    def make_layout(self, payload: dict, shuffle: bool, rng: Random) -> dict:
        """The right-hand choices' display order: always shuffled (in order, the pairs would
        line up with their lefts and give the answer away)."""
        return {"rights": shuffled(len(rights(payload)), rng, avoid_identity=True)}

    def validate_payload(self, payload: dict) -> None:
        """Two or more pairs with distinct lefts; distractors distinct from every right."""
        check_keys(payload, "payload", {"pairs", "distractors"}, {"pairs"})
        pairs = check_list(payload.get("pairs"), "payload.pairs", 2)
        for index, pair in enumerate(pairs):
            where = f"payload.pairs[{index}]"
            check_keys(pair, where, {"left", "right"}, {"left", "right"})
            check_text(pair["left"], f"{where}.left")
            check_text(pair["right"], f"{where}.right")
        check_distinct([pair["left"] for pair in pairs], "payload.pairs")
        distractors = check_list(payload.get("distractors", []), "payload.distractors", 0)
        for index, text in enumerate(distractors):
            check_text(text, f"payload.distractors[{index}]")
        answers = {pair["right"].strip() for pair in pairs}
        for index, text in enumerate(distractors):
            if text.strip() in answers:
                raise QuestionError(_l("A distractor repeats a right answer."),
                                    f"payload.distractors[{index}]")
        check_distinct(distractors, "payload.distractors")

    def parse_response(self, payload: dict, raw: Any) -> dict[int, int]:
        """{left index: right index} from a dict (JSON string keys too) or a list of rights."""
        if isinstance(raw, list | tuple):
            raw = {i: right for i, right in enumerate(raw) if right not in (None, "")}
        if not isinstance(raw, dict):
            raise QuestionError(_l("The answer must pair left items with right items."),
                                "response")
        lefts, choices = len(payload["pairs"]), len(rights(payload))
        return {parse_index(left, lefts): parse_index(right, choices)
                for left, right in raw.items()}

    def score(self, payload: dict, response: dict[int, int]) -> Grade:
        """Correct lefts ÷ all lefts; an unmatched left counts as wrong."""
        choices = rights(payload)
        pairs = payload["pairs"]
        right = sum(1 for left, chosen in response.items()
                    if choices[chosen].strip() == pairs[left]["right"].strip())
        return Grade(right / len(pairs), [])

    def model_response(self, payload: dict) -> dict[int, int]:
        """Each left matched to its own pair's right."""
        return {i: i for i in range(len(payload["pairs"]))}
