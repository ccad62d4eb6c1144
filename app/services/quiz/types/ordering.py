"""ordering: put the steps of an SOP in order; credit for every pair in the right order."""

from __future__ import annotations

from itertools import combinations
from random import Random
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import Grade, QuestionError
from app.services.quiz.types.base import QuestionType, shuffled
from app.services.quiz.types.checks import check_distinct, check_keys, check_list, check_text
from app.services.quiz.types.parsing import parse_index_list
from app.services.quiz.types.registry import register


def ordered_pair_fraction(order: list[int]) -> float:
    """Of all n(n-1)/2 pairs, the fraction the order keeps in ascending order (Kendall-style)."""
    pairs = list(combinations(order, 2))
    return sum(1 for first, second in pairs if first < second) / len(pairs)


@register
class Ordering(QuestionType):
    """`items` is the correct order; a response lists item indexes in the learner's order."""

    name = "ordering"
    label = _l("Ordering")

    def make_layout(self, payload: dict, shuffle: bool, rng: Random) -> dict:
        """The order the items are first shown in: always shuffled, never already correct."""
        return {"start": shuffled(len(payload["items"]), rng, avoid_identity=True)}

    def validate_payload(self, payload: dict) -> None:
        """Two or more distinct items."""
        check_keys(payload, "payload", {"items"}, {"items"})
        items = check_list(payload.get("items"), "payload.items", 2)
        for index, item in enumerate(items):
            check_text(item, f"payload.items[{index}]")
        check_distinct(items, "payload.items")

    def parse_response(self, payload: dict, raw: Any) -> list[int]:
        """Every item index exactly once, from a list or a string like "2,0,1"."""
        count = len(payload["items"])
        order = parse_index_list(raw, count)
        if sorted(order) != list(range(count)):
            raise QuestionError(_l("Put every step in the order exactly once."), "response")
        return order

    def score(self, payload: dict, response: list[int]) -> Grade:
        """1.0 for the correct order, 0.0 reversed, partial by pairs in the right order."""
        return Grade(round(ordered_pair_fraction(response), 9), [])

    def model_response(self, payload: dict) -> list[int]:
        """The items in their stored (correct) order."""
        return list(range(len(payload["items"])))
