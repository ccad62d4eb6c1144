"""What a 多选题's scoring rule gives, as a trainer checks it while writing the question:
the score of ticking every option (全选) and of ticking only one right option (只选一个正确项).

The numbers come from the question type's own `score`, so the editor, the question page and a
learner's attempt can never disagree. `form_preview` reads the editor's form as typed (the
live preview posts it on every change); `preview` reads a stored payload.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.quiz.data import LEGACY_SCORING, SCORING_MODES, QuestionError
from app.services.quiz.question_input import QuestionInput, choice_options, parse_points
from app.services.quiz.types import get_type
from app.services.quiz.types.multiple_choice import (
    SCORING_HINTS,
    SCORING_LABELS,
    positive_indexes,
    scoring_rule,
)

FULL = 1.0 - 1e-9
KIND = "multiple_choice"


@dataclass(frozen=True)
class ScoringPreview:
    """The rule of one 多选题 and what the two tell-tale answers score (fractions 0..1)."""

    rule: str  # the rule that grades the question now
    legacy: bool  # stored as the old "partial" (graded as `rule`)
    points: float
    options: int
    wrong_options: int
    tick_all: float
    one_right: tuple[float, float]  # lowest and highest, over the right options

    @property
    def label(self):
        return SCORING_LABELS[self.rule]

    @property
    def hint(self):
        return SCORING_HINTS[self.rule]

    def points_of(self, fraction: float) -> float:
        return round(fraction * self.points, 2)

    @property
    def tick_all_earns(self) -> bool:
        """Ticking everything earns marks although some option is wrong (the flaw to avoid)."""
        return self.wrong_options > 0 and self.tick_all > 0

    @property
    def tick_all_full(self) -> bool:
        return self.wrong_options > 0 and self.tick_all >= FULL


def preview(payload: dict, points: float) -> ScoringPreview:
    """The preview of a valid multiple_choice payload worth `points`."""
    kind = get_type(KIND)
    right = positive_indexes(payload)
    count = len(payload["options"])
    ones = [kind.score(payload, [index]).fraction for index in right]
    return ScoringPreview(
        rule=scoring_rule(payload), legacy=payload.get("scoring") == LEGACY_SCORING,
        points=points, options=count, wrong_options=count - len(right),
        tick_all=kind.score(payload, list(range(count))).fraction,
        one_right=(min(ones), max(ones)))


def form_preview(inp: QuestionInput) -> tuple[ScoringPreview | None, str]:
    """The preview of the 多选题 the form describes, or None and what is missing."""
    if all(row.is_blank() for row in inp.options):
        return None, ""
    if inp.scoring not in SCORING_MODES:
        return None, str(_l("Choose how the question is scored."))
    try:
        points = parse_points(inp.points)
    except DomainError:
        points = 1.0
    try:
        payload = {"options": choice_options(KIND, inp.options), "scoring": inp.scoring}
        get_type(KIND).validate_payload(payload)
    except (DomainError, QuestionError) as error:
        return None, str(error.message)
    if not positive_indexes(payload):
        return None, str(_l("Tick at least one correct option."))
    return preview(payload, points), ""

