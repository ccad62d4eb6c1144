"""QuestionData, Grade and QuestionError: the interchange shape of docs/question-format.md."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pytest

from app.services.errors import DomainError
from app.services.quiz.data import (
    TYPE_NAMES,
    Grade,
    QuestionData,
    QuestionError,
    numerical_answer,
    option,
)
from app.services.quiz.types import TYPES

from . import samples


@pytest.mark.parametrize("question", samples.every_type(), ids=lambda q: q.type)
def test_to_dict_from_dict_round_trips_through_json(question):
    data = json.loads(json.dumps(question.to_dict(), ensure_ascii=False))
    assert QuestionData.from_dict(data) == question


def test_every_documented_type_has_a_round_trip_sample():
    assert {q.type for q in samples.every_type()} == set(TYPE_NAMES) == set(TYPES)


def test_to_dict_has_exactly_the_documented_fields():
    assert list(samples.single_choice().to_dict()) == [
        "type", "stem", "title", "scenario", "explanation", "text_format", "category", "tags",
        "difficulty", "points", "payload"]


def test_to_dict_is_a_copy_that_does_not_share_the_payload():
    question = samples.ordering()
    question.to_dict()["payload"]["items"].append("extra")
    assert len(question.payload["items"]) == 5


def test_from_dict_fills_defaults_for_missing_fields():
    question = QuestionData.from_dict({"type": "true_false", "stem": "s",
                                       "payload": {"answer": True}})
    assert (question.text_format, question.difficulty, question.points, question.tags) == (
        "markdown", 3, 1.0, [])


def test_from_dict_turns_whole_points_into_a_float():
    question = QuestionData.from_dict({"type": "true_false", "stem": "s", "points": 2})
    assert isinstance(question.points, float)


@pytest.mark.parametrize(("data", "field"), [
    ({"type": "true_false"}, "stem"),
    ({"stem": "s"}, "type"),
    ({"type": "true_false", "stem": "s", "colour": "red"}, "colour"),
    ({"type": "true_false", "stem": 5}, "stem"),
    ({"type": "true_false", "stem": "s", "tags": "a,b"}, "tags"),
    ({"type": "true_false", "stem": "s", "difficulty": "hard"}, "difficulty"),
    ({"type": "true_false", "stem": "s", "points": True}, "points"),
    ({"type": "true_false", "stem": "s", "payload": []}, "payload"),
])
def test_from_dict_refuses_malformed_fields(data, field):
    with pytest.raises(QuestionError) as caught:
        QuestionData.from_dict(data)
    assert caught.value.field == field


def test_from_dict_refuses_a_non_dict():
    with pytest.raises(QuestionError):
        QuestionData.from_dict(["single_choice"])


def test_question_data_is_frozen():
    with pytest.raises(FrozenInstanceError):
        samples.true_false().stem = "changed"


def test_question_error_is_a_domain_error_with_a_field():
    error = QuestionError("bad", "payload.options")
    assert isinstance(error, DomainError) and error.field == "payload.options"


def test_grade_defaults_to_no_feedback_and_no_review():
    assert Grade(0.5) == Grade(0.5, [], needs_review=False)


def test_grade_refuses_a_fraction_outside_zero_to_one():
    with pytest.raises(ValueError):
        Grade(1.5)


def test_grade_without_a_fraction_must_need_review():
    with pytest.raises(ValueError):
        Grade(None)


def test_option_helper_builds_the_documented_shape():
    assert option("A", 1) == {"text": "A", "fraction": 1.0, "feedback": ""}


def test_numerical_answer_helper_builds_value_or_range_with_all_keys():
    assert numerical_answer(5, 0.5) == {"value": 5, "tolerance": 0.5, "min": None,
                                        "max": None, "fraction": 1.0, "feedback": ""}
    assert numerical_answer(min=1, max=2)["value"] is None
