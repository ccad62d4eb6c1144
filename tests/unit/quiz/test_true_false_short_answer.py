"""true_false and short_answer: validation, response normalisation, grading."""

from __future__ import annotations

import pytest

from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.types import get_type, grade_by_person

from . import samples

TF = get_type("true_false")
SHORT = get_type("short_answer")


# true_false

def test_true_false_right_judgement_scores_one_with_feedback_for_the_choice():
    grade = TF.grade(samples.true_false(True), True)
    assert (grade.fraction, grade.feedback) == (1.0, ["选了对"])


def test_true_false_wrong_judgement_scores_zero_with_feedback_for_the_choice():
    grade = TF.grade(samples.true_false(True), False)
    assert (grade.fraction, grade.feedback) == (0.0, ["选了错"])


def test_true_false_false_statement_judged_false_scores_one():
    assert TF.grade(samples.true_false(False), False).fraction == 1.0


@pytest.mark.parametrize(("raw", "expected"), [
    (True, True), (0, False), ("true", True), ("FALSE", False), ("1", True), ("对", True),
    ("错", False), ("正确", True), ("错误", False), (" Yes ", True), ("ｆａｌｓｅ", False),
])
def test_true_false_normalises_words_and_numbers(raw, expected):
    assert TF.normalise_response(samples.true_false(), raw) is expected


@pytest.mark.parametrize("raw", ["maybe", 2, 1.0, ["true"]])
def test_true_false_refuses_garbage_responses(raw):
    with pytest.raises(QuestionError):
        TF.normalise_response(samples.true_false(), raw)


def test_true_false_answer_must_be_a_bool():
    question = QuestionData(type="true_false", stem="s", payload={"answer": "true"})
    with pytest.raises(QuestionError) as caught:
        TF.validate(question)
    assert caught.value.field == "payload.answer"


def test_true_false_needs_an_answer():
    with pytest.raises(QuestionError) as caught:
        TF.validate(QuestionData(type="true_false", stem="s", payload={}))
    assert caught.value.field == "payload.answer"


# short_answer

def test_short_answer_waits_for_a_person():
    grade = SHORT.grade(samples.short_answer(), "先安抚客户")
    assert (grade.fraction, grade.feedback, grade.needs_review) == (None, [], True)


def test_short_answer_correct_response_is_the_reference():
    assert SHORT.correct_response(samples.short_answer()) == "先共情，再解释正常恢复期，并约复诊。"


def test_short_answer_response_is_trimmed_text():
    assert SHORT.normalise_response(samples.short_answer(), "  好的\n") == "好的"


@pytest.mark.parametrize("raw", [3, ["text"], "字" * 20001])
def test_short_answer_refuses_non_text_or_overlong_responses(raw):
    with pytest.raises(QuestionError):
        SHORT.normalise_response(samples.short_answer(), raw)


def test_short_answer_reference_and_rubric_are_optional():
    SHORT.validate(QuestionData(type="short_answer", stem="s", payload={}))


def test_short_answer_rubric_points_must_not_be_empty():
    question = QuestionData(type="short_answer", stem="s", payload={"rubric": ["共情", " "]})
    with pytest.raises(QuestionError) as caught:
        SHORT.validate(question)
    assert caught.value.field == "payload.rubric[1]"


def test_grade_by_person_divides_points_awarded_by_max_points():
    assert grade_by_person(3, 4) == grade_by_person(3.0, 4.0) == grade_by_person(0.75, 1)
    assert grade_by_person(3, 4).fraction == 0.75


def test_grade_by_person_keeps_the_graders_comment():
    grade = grade_by_person(2, 2, "很好")
    assert (grade.fraction, grade.feedback, grade.needs_review) == (1.0, ["很好"], False)


@pytest.mark.parametrize(("awarded", "maximum", "field"), [
    (5, 4, "points_awarded"), (-1, 4, "points_awarded"), (1, 0, "max_points"),
    ("3", 4, "points_awarded"), (1, True, "max_points"),
])
def test_grade_by_person_refuses_impossible_points(awarded, maximum, field):
    with pytest.raises(QuestionError) as caught:
        grade_by_person(awarded, maximum)
    assert caught.value.field == field
