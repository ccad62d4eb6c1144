"""The interface every question type implements, with the checks common to all types."""

from __future__ import annotations

from abc import ABC, abstractmethod
from random import Random
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import TEXT_FORMATS, Grade, QuestionData, QuestionError, check_shape
from app.services.quiz.types.checks import check_text
from app.services.quiz.types.parsing import is_blank

DIFFICULTIES = range(1, 6)


class QuestionType(ABC):
    """A question-type plug-in: validate, normalise a response, grade, name its partial.

    Subclasses implement the payload-level hooks; the public methods add what every type
    shares (common fields, blank responses, which score 0 and need no review).
    """

    name: ClassVar[str]
    label: ClassVar[Any]  # a lazy string

    @property
    def template(self) -> str:
        """The Jinja partial that renders this type."""
        return f"quiz/types/{self.name}.html"

    def validate(self, question: QuestionData) -> None:
        """Raise QuestionError naming the first thing wrong with `question`."""
        check_common(question)
        if question.type != self.name:
            raise QuestionError(_l("The question's type is not %(name)s.", name=self.name),
                                "type")
        self.validate_payload(question.payload)

    def normalise_response(self, question: QuestionData, raw: Any) -> Any:
        """The response in its canonical shape (None when blank); QuestionError for garbage."""
        if is_blank(raw):
            return None
        return self.parse_response(question.payload, raw)

    def grade(self, question: QuestionData, response: Any) -> Grade:
        """Grade a normalised response to a valid question."""
        if response is None:
            return Grade(0.0, [])
        return self.score(question.payload, response)

    def correct_response(self, question: QuestionData) -> Any:
        """A response that earns full credit (the reference answer for short_answer)."""
        return self.model_response(question.payload)

    def make_layout(self, payload: dict, shuffle: bool, rng: Random) -> dict:
        """How this question is laid out in one attempt (e.g. its options' shuffled order);
        responses always use the payload's own indexes, whatever the layout."""
        return {}

    @abstractmethod
    def validate_payload(self, payload: dict) -> None:
        """Raise QuestionError for a malformed payload."""

    @abstractmethod
    def parse_response(self, payload: dict, raw: Any) -> Any:
        """Turn a non-blank raw response into the canonical response."""

    @abstractmethod
    def score(self, payload: dict, response: Any) -> Grade:
        """Grade a canonical, non-blank response."""

    @abstractmethod
    def model_response(self, payload: dict) -> Any:
        """The canonical response that earns full credit."""


def check_common(question: QuestionData) -> None:
    """Check the fields every type shares: stem, text format, tags, difficulty, points."""
    if not isinstance(question, QuestionData):
        raise QuestionError(_l("A question must be a QuestionData."), "question")
    check_shape(question.to_dict())
    check_text(question.stem, "stem")
    if question.text_format not in TEXT_FORMATS:
        raise QuestionError(_l("Unknown text format: %(name)s.", name=question.text_format),
                            "text_format")
    for index, tag in enumerate(question.tags):
        check_text(tag, f"tags[{index}]")
    if question.difficulty not in DIFFICULTIES:
        raise QuestionError(_l("Difficulty must be between 1 and 5."), "difficulty")
    if question.points <= 0:
        raise QuestionError(_l("Points must be greater than zero."), "points")


def shuffled(count: int, rng: Random, *, avoid_identity: bool = False) -> list[int]:
    """0..count-1 in random order; never in order when `avoid_identity` (and count > 1)."""
    order = list(range(count))
    rng.shuffle(order)
    if avoid_identity and count > 1 and order == sorted(order):
        order.append(order.pop(0))
    return order
