"""The registry and the contract every question type keeps."""

from __future__ import annotations

import dataclasses

import pytest

from app.services.quiz.data import TYPE_NAMES, QuestionData, QuestionError
from app.services.quiz.types import (
    TYPES,
    QuestionType,
    get_type,
    grade_response,
    register,
    validate_question,
)

from . import samples

AUTO_GRADED = [q for q in samples.every_type() if q.type != "short_answer"]


def test_registry_holds_every_documented_type():
    assert set(TYPES) == set(TYPE_NAMES)


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_get_type_returns_the_plug_in_named(name):
    kind = get_type(name)
    assert isinstance(kind, QuestionType) and kind.name == name


def test_get_type_refuses_an_unknown_name():
    with pytest.raises(QuestionError) as caught:
        get_type("essay")
    assert caught.value.field == "type"


def test_register_refuses_a_second_type_with_the_same_name():
    class Again(type(get_type("ordering"))):
        pass

    with pytest.raises(ValueError):
        register(Again)


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_each_type_names_its_template_and_has_a_label(name):
    kind = get_type(name)
    assert kind.template == f"quiz/types/{name}.html"
    assert str(kind.label)


@pytest.mark.parametrize("question", samples.every_type(), ids=lambda q: q.type)
def test_sample_questions_are_valid(question):
    validate_question(question)


@pytest.mark.parametrize("question", AUTO_GRADED, ids=lambda q: q.type)
def test_correct_response_earns_full_credit(question):
    kind = get_type(question.type)
    grade = kind.grade(question, kind.correct_response(question))
    assert grade.fraction == 1.0 and not grade.needs_review


@pytest.mark.parametrize("question", samples.every_type(), ids=lambda q: q.type)
def test_normalising_a_correct_response_changes_nothing(question):
    kind = get_type(question.type)
    correct = kind.correct_response(question)
    assert kind.normalise_response(question, correct) == correct


@pytest.mark.parametrize("question", samples.every_type(), ids=lambda q: q.type)
@pytest.mark.parametrize("blank", [None, "", "   ", [], {}])
def test_blank_response_normalises_to_none_and_scores_zero(question, blank):
    kind = get_type(question.type)
    assert kind.normalise_response(question, blank) is None
    grade = kind.grade(question, None)
    assert grade.fraction == 0.0 and not grade.needs_review


def test_grade_response_normalises_then_grades():
    assert grade_response(samples.single_choice(), "0").fraction == 1.0


def test_validate_question_refuses_an_unknown_type():
    with pytest.raises(QuestionError) as caught:
        validate_question(QuestionData(type="essay", stem="s"))
    assert caught.value.field == "type"


def test_a_type_refuses_a_question_of_another_type():
    with pytest.raises(QuestionError) as caught:
        get_type("single_choice").validate(samples.true_false())
    assert caught.value.field == "type"


@pytest.mark.parametrize(("change", "field"), [
    ({"stem": "  "}, "stem"),
    ({"text_format": "rtf"}, "text_format"),
    ({"difficulty": 0}, "difficulty"),
    ({"difficulty": 6}, "difficulty"),
    ({"points": 0.0}, "points"),
    ({"tags": ["ok", " "]}, "tags[1]"),
])
def test_common_fields_are_validated_for_every_type(change, field):
    question = dataclasses.replace(samples.true_false(), **change)
    with pytest.raises(QuestionError) as caught:
        validate_question(question)
    assert caught.value.field == field


@pytest.mark.parametrize("question", samples.every_type(), ids=lambda q: q.type)
def test_payload_with_an_unknown_key_is_refused(question):
    bad = dataclasses.replace(question, payload={**question.payload, "extra": 1})
    with pytest.raises(QuestionError) as caught:
        validate_question(bad)
    assert caught.value.field == "payload.extra"


@pytest.mark.parametrize("question", samples.every_type(), ids=lambda q: q.type)
def test_error_messages_render_without_an_app(question):
    with pytest.raises(QuestionError) as caught:
        validate_question(dataclasses.replace(question, payload={"extra": 1}))
    assert str(caught.value)
