"""multiple_choice (多选题): several right options, scored by one of SCORING_MODES."""

from __future__ import annotations

from random import Random
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import (
    DEFAULT_SCORING,
    LEGACY_SCORING,
    SCORING_MODES,
    Grade,
    QuestionError,
)
from app.services.quiz.types.base import QuestionType, shuffled
from app.services.quiz.types.checks import (
    FRACTION_TOLERANCE,
    check_distinct,
    check_keys,
    check_weighted_texts,
)
from app.services.quiz.types.parsing import clamp_fraction, option_feedback, parse_index_list
from app.services.quiz.types.registry import register

SCORING_LABELS = {
    "proportional": _l("No marks for a wrong tick; fewer right ticks earn their share"),
    "half": _l("No marks for a wrong tick; fewer right ticks earn half"),
    "all_or_nothing": _l("All right or nothing"),
    "weights": _l("Per-option weights (Moodle; wrong options may subtract)"),
}
SCORING_CHOICES = [(name, SCORING_LABELS[name]) for name in SCORING_MODES]
SCORING_HINTS = {
    "proportional": _l("Any wrong tick scores 0. Otherwise each right option ticked earns "
                       "its share of the points."),
    "half": _l("Any wrong tick scores 0. All right options earn full points; some of them, "
               "half the points."),
    "all_or_nothing": _l("Only exactly the right options earn the points; anything else "
                         "scores 0."),
    "weights": _l("Each ticked option adds its credit; wrong options subtract theirs "
                  "(give them a negative credit). The total stays between 0 and full points."),
}


def positive_indexes(payload: dict) -> list[int]:
    """Indexes of the options worth more than 0."""
    return [i for i, o in enumerate(payload["options"]) if o["fraction"] > 0]


def imported_scoring(options: list[dict]) -> str:
    """The rule for an imported question that names none: Moodle's weights when the author
    priced a wrong option below 0, else the default (a wrong tick scores 0)."""
    return "weights" if any(o["fraction"] < 0 for o in options) else DEFAULT_SCORING


def ticking_everything_wins(payload: dict) -> bool:
    """Ticking every option earns full marks although some option is wrong: per-option
    weights where no wrong option costs anything. The editor refuses such a question."""
    options = payload["options"]
    return (scoring_rule(payload) == "weights" and any(o["fraction"] <= 0 for o in options)
            and not any(o["fraction"] < 0 for o in options))


def scoring_rule(payload: dict) -> str:
    """The rule that grades `payload` now: its own, or the one a legacy "partial" stands for."""
    scoring = payload.get("scoring", DEFAULT_SCORING)
    if scoring == LEGACY_SCORING:
        negative = any(o["fraction"] < 0 for o in payload["options"])
        return "weights" if negative else "proportional"
    return scoring


@register
class MultipleChoice(QuestionType):
    """Pick any options; `scoring` is one of SCORING_MODES (default "proportional")."""

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
        if payload.get("scoring", DEFAULT_SCORING) not in (*SCORING_MODES, LEGACY_SCORING):
            raise QuestionError(
                _l("Scoring must be one of: %(names)s.", names=", ".join(SCORING_MODES)),
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
        """Grade by the question's rule (see SCORING_MODES); feedback of every chosen option."""
        options = payload["options"]
        feedback = [text for i in response for text in option_feedback(options[i])]
        rule = scoring_rule(payload)
        right = set(positive_indexes(payload))
        chosen = set(response)
        if rule == "weights":
            positive_total = sum(options[i]["fraction"] for i in right)
            total = sum(options[i]["fraction"] for i in chosen)
            return Grade(clamp_fraction(total / positive_total), feedback)
        if not chosen <= right:  # a wrong tick: 错选不得分
            return Grade(0.0, feedback)
        if chosen == right:
            return Grade(1.0, feedback)
        if rule == "all_or_nothing":
            return Grade(0.0, feedback)
        if rule == "half":
            return Grade(0.5, feedback)
        positive_total = sum(options[i]["fraction"] for i in right)
        return Grade(clamp_fraction(sum(options[i]["fraction"] for i in chosen) / positive_total),
                     feedback)

    def model_response(self, payload: dict) -> list[int]:
        """The indexes of every option worth more than 0."""
        return positive_indexes(payload)
