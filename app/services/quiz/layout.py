"""The per-attempt layout of a question (shuffled options), delegated to its type."""

from __future__ import annotations

from random import Random

from app.services.quiz.types import get_type


def make_layout(data: dict, shuffle: bool, rng: Random) -> dict:
    """The layout of the question `data` (a QuestionData dict) for one attempt."""
    return get_type(data["type"]).make_layout(data["payload"], shuffle, rng)
