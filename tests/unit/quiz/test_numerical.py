"""numerical: value ± tolerance, ranges, number parsing, validation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.quiz.data import QuestionError, numerical_answer
from app.services.quiz.types import get_type
from app.services.quiz.types.numerical import parse_number

from . import samples

NUM = get_type("numerical")


def score(question, typed) -> float:
    return NUM.grade(question, NUM.normalise_response(question, typed)).fraction


def refused(*answers) -> str:
    with pytest.raises(QuestionError) as caught:
        NUM.validate(samples.numerical(*answers))
    return caught.value.field


def test_numerical_exact_value_scores_one_with_feedback():
    grade = NUM.grade(samples.numerical(), "2.5")
    assert (grade.fraction, grade.feedback) == (1.0, ["准确"])


def test_numerical_tolerance_edge_is_inclusive_despite_float_rounding():
    assert score(samples.numerical(), "2.6") == 1.0
    assert score(samples.numerical(), "2.4") == 1.0


def test_numerical_first_matching_answer_wins():
    assert NUM.grade(samples.numerical(), "2.55").feedback == ["准确"]


def test_numerical_range_gives_its_own_fraction():
    assert score(samples.numerical(), "2.9") == 0.5


def test_numerical_range_includes_its_ends():
    question = samples.numerical(numerical_answer(min=10, max=20))
    assert score(question, "10") == 1.0 and score(question, "20") == 1.0


def test_numerical_range_excludes_just_outside_its_ends():
    question = samples.numerical(numerical_answer(min=10, max=20))
    assert score(question, "9.999") == 0.0 and score(question, "20.001") == 0.0


def test_numerical_outside_every_answer_scores_zero():
    grade = NUM.grade(samples.numerical(), "7")
    assert (grade.fraction, grade.feedback) == (0.0, [])


def test_numerical_zero_tolerance_needs_the_exact_value():
    question = samples.numerical(numerical_answer(3))
    assert score(question, "3.0") == 1.0 and score(question, "3.01") == 0.0


def test_numerical_negative_values_match():
    question = samples.numerical(numerical_answer(-4, 0.5))
    assert score(question, "-4.4") == 1.0


@pytest.mark.parametrize(("typed", "value"), [
    ("２．５", "2.5"), ("+2.5", "2.5"), ("  2.5  ", "2.5"), ("1,000", "1000"),
    ("１，０００", "1000"), ("1,234,567.5", "1234567.5"), ("－3", "-3"), ("\u22123", "-3"),
    (".5", "0.5"), ("5.", "5"), ("2.5e1", "25"),
])
def test_numerical_parses_what_people_type(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["abc", "1,5", "1,00", "12,3456", "2 5", "5ml", "50%",
                                   "nan", "inf", "1_000", "--1", "", "."])
def test_numerical_refuses_what_is_not_a_plain_number(typed):
    with pytest.raises(QuestionError) as caught:
        parse_number(typed)
    assert caught.value.field == "response"


def test_numerical_response_is_the_trimmed_text_as_typed():
    assert NUM.normalise_response(samples.numerical(), " １，０００ ") == "１，０００"


def test_numerical_response_from_json_number_becomes_text():
    assert NUM.normalise_response(samples.numerical(), 2.5) == "2.5"


@pytest.mark.parametrize("raw", ["two", True, ["2.5"]])
def test_numerical_refuses_garbage_responses(raw):
    with pytest.raises(QuestionError):
        NUM.normalise_response(samples.numerical(), raw)


def test_numerical_correct_response_of_a_range_is_its_middle():
    question = samples.numerical(numerical_answer(min=10, max=20))
    assert NUM.correct_response(question) == "15"


def test_numerical_correct_response_prints_plain_digits():
    assert NUM.correct_response(samples.numerical(numerical_answer(1000.0))) == "1000"


def test_numerical_min_must_not_exceed_max():
    assert refused(numerical_answer(min=5, max=1)) == "payload.answers[0].min"


def test_numerical_tolerance_must_not_be_negative():
    assert refused(numerical_answer(5, -1)) == "payload.answers[0].tolerance"


def test_numerical_value_and_range_together_are_refused():
    answer = {**numerical_answer(5), "min": 1, "max": 9}
    assert refused(answer) == "payload.answers[0]"


def test_numerical_range_needs_both_ends():
    assert refused(numerical_answer(min=1)) == "payload.answers[0]"


def test_numerical_value_must_be_a_number():
    assert refused(numerical_answer("5")) == "payload.answers[0].value"


def test_numerical_needs_a_full_credit_answer():
    assert refused(numerical_answer(5, fraction=0.5)) == "payload.answers"
