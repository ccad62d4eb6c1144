"""single_choice and multiple_choice: validation, response normalisation, grading."""

from __future__ import annotations

import pytest

from app.services.quiz.data import QuestionError, option
from app.services.quiz.types import get_type

from . import samples

SINGLE = get_type("single_choice")
MULTI = get_type("multiple_choice")


def refused(kind, question) -> str:
    with pytest.raises(QuestionError) as caught:
        kind.validate(question)
    return caught.value.field


# single_choice

def test_single_choice_right_option_scores_one_with_its_feedback():
    grade = SINGLE.grade(samples.single_choice(), 0)
    assert (grade.fraction, grade.feedback) == (1.0, ["正确"])


def test_single_choice_negative_option_is_clamped_to_zero():
    grade = SINGLE.grade(samples.single_choice(), 2)
    assert (grade.fraction, grade.feedback) == (0.0, ["会加重肿胀"])


def test_single_choice_option_without_feedback_gives_no_feedback():
    question = samples.single_choice(options=[option("对", 1.0), option("错", 0.0)])
    assert SINGLE.grade(question, 1).feedback == []


def test_single_choice_needs_two_options():
    assert refused(SINGLE, samples.single_choice(options=[option("A", 1.0)])) == (
        "payload.options")


def test_single_choice_needs_exactly_one_fully_correct_option():
    two = [option("A", 1.0), option("B", 1.0)]
    none = [option("A", 0.0), option("B", 0.0)]
    assert refused(SINGLE, samples.single_choice(options=two)) == "payload.options"
    assert refused(SINGLE, samples.single_choice(options=none)) == "payload.options"


def test_single_choice_half_right_option_earns_half_as_in_moodle():
    question = samples.single_choice(options=[option("完全正确", 1.0),
                                              option("部分正确", 0.5, "接近了"),
                                              option("错误", 0.0)])
    SINGLE.validate(question)
    grade = SINGLE.grade(question, 1)
    assert (grade.fraction, grade.feedback) == (0.5, ["接近了"])
    assert SINGLE.correct_response(question) == 0


def test_single_choice_fraction_outside_minus_one_to_one_is_refused():
    options = [option("A", 1.0), option("B", -2.0)]
    assert refused(SINGLE, samples.single_choice(options=options)) == (
        "payload.options[1].fraction")


def test_single_choice_options_must_be_distinct():
    options = [option("A", 1.0), option(" A ", 0.0)]
    assert refused(SINGLE, samples.single_choice(options=options)) == "payload.options[1]"


def test_single_choice_option_needs_text():
    options = [option("A", 1.0), {"fraction": 0.0}]
    assert refused(SINGLE, samples.single_choice(options=options)) == (
        "payload.options[1].text")


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), ("1", 1), (" 2 ", 2), ("２", 2),
                                               (["0"], 0)])
def test_single_choice_normalises_indexes_from_forms_and_json(raw, expected):
    assert SINGLE.normalise_response(samples.single_choice(), raw) == expected


@pytest.mark.parametrize("raw", ["3", "-1", "a", 1.0, True, ["0", "1"], {"a": 1}, "1" * 50])
def test_single_choice_refuses_garbage_responses(raw):
    with pytest.raises(QuestionError) as caught:
        SINGLE.normalise_response(samples.single_choice(), raw)
    assert caught.value.field == "response"


# multiple_choice

def test_multiple_choice_partial_credit_for_one_of_two_right_options():
    assert MULTI.grade(samples.multiple_choice(), [0]).fraction == 0.5


def test_multiple_choice_negative_weight_subtracts():
    assert MULTI.grade(samples.multiple_choice(), [0, 1, 2]).fraction == 0.5


def test_multiple_choice_negative_weight_cannot_go_below_zero():
    assert MULTI.grade(samples.multiple_choice(), [2]).fraction == 0.0


def test_multiple_choice_zero_weight_option_costs_nothing_in_partial_mode():
    assert MULTI.grade(samples.multiple_choice(), [0, 1, 3]).fraction == 1.0


def test_multiple_choice_feedback_of_every_chosen_option_in_order():
    assert MULTI.grade(samples.multiple_choice(), [0, 2]).feedback == ["对", "不可"]


def test_multiple_choice_thirds_add_up_to_exactly_one():
    options = [option("A", 0.33333), option("B", 0.33333), option("C", 0.33333),
               option("D", -1.0)]
    question = samples.multiple_choice(options=options)
    MULTI.validate(question)
    assert MULTI.grade(question, [0, 1, 2]).fraction == 1.0


def test_multiple_choice_all_or_nothing_scores_one_for_exactly_the_right_options():
    assert MULTI.grade(samples.multiple_choice("all_or_nothing"), [0, 1]).fraction == 1.0


def test_multiple_choice_all_or_nothing_scores_zero_for_a_subset():
    assert MULTI.grade(samples.multiple_choice("all_or_nothing"), [0]).fraction == 0.0


def test_multiple_choice_all_or_nothing_scores_zero_with_an_extra_zero_weight_option():
    assert MULTI.grade(samples.multiple_choice("all_or_nothing"), [0, 1, 3]).fraction == 0.0


def test_multiple_choice_scoring_defaults_to_proportional():
    question = samples.multiple_choice()
    del question.payload["scoring"]
    MULTI.validate(question)
    assert MULTI.grade(question, [0]).fraction == 0.5


def test_multiple_choice_positive_fractions_must_sum_to_one():
    options = [option("A", 0.5), option("B", 0.4)]
    assert refused(MULTI, samples.multiple_choice(options=options)) == "payload.options"


def test_multiple_choice_sum_within_a_thousandth_is_accepted():
    MULTI.validate(samples.multiple_choice(options=[option("A", 0.5), option("B", 0.4995)]))


def test_multiple_choice_fraction_below_minus_one_is_refused():
    options = [option("A", 1.0), option("B", -1.5)]
    assert refused(MULTI, samples.multiple_choice(options=options)) == (
        "payload.options[1].fraction")


def test_multiple_choice_unknown_scoring_is_refused():
    assert refused(MULTI, samples.multiple_choice("most")) == "payload.scoring"


@pytest.mark.parametrize(("raw", "expected"), [
    ([2, 0], [0, 2]), (["1", "0"], [0, 1]), ("0,2", [0, 2]), ("０，２", [0, 2]),
    ("1 3", [1, 3]), ([1, 1], [1]), (3, [3]),
])
def test_multiple_choice_normalises_to_sorted_distinct_indexes(raw, expected):
    assert MULTI.normalise_response(samples.multiple_choice(), raw) == expected


@pytest.mark.parametrize("raw", [[0, 9], "0,x", ["0", None], True, 1.5, [0, 1, 2, 3, 0]])
def test_multiple_choice_refuses_garbage_responses(raw):
    with pytest.raises(QuestionError):
        MULTI.normalise_response(samples.multiple_choice(), raw)


# A 多选题 whose answer is A,C with two wrong options worth 0 (as an Excel sheet writes it).
AC = [option("A", 0.5), option("B"), option("C", 0.5), option("D")]


@pytest.mark.parametrize(("scoring", "ticks", "expected"), [
    ("proportional", [0, 1, 2, 3], 0.0),  # tick everything: 错选不得分
    ("proportional", [0, 2], 1.0),
    ("proportional", [0], 0.5),  # 少选按比例
    ("proportional", [0, 1], 0.0),
    ("half", [0, 1, 2, 3], 0.0),
    ("half", [2], 0.5),
    ("all_or_nothing", [0], 0.0),
    ("all_or_nothing", [0, 2], 1.0),
    ("weights", [0, 1, 2, 3], 1.0),  # Moodle adds the weights: the author priced nothing
    ("partial", [0, 1, 2, 3], 0.0),  # stored before the rules: zero-weight wrong options
    ("partial", [0], 0.5),
])
def test_multiple_choice_rules_chinese_trainers_use(scoring, ticks, expected):
    question = samples.multiple_choice(scoring, options=AC)
    MULTI.validate(question)
    assert MULTI.grade(question, ticks).fraction == expected


def test_multiple_choice_weights_subtract_for_wrong_ticks():
    options = [option("A", 0.5), option("B", -0.5), option("C", 0.5), option("D", -0.5)]
    for scoring in ("weights", "partial"):  # a stored "partial" with negative weights
        question = samples.multiple_choice(scoring, options=options)
        assert MULTI.grade(question, [0, 1, 2]).fraction == 0.5
        assert MULTI.grade(question, [0, 1, 2, 3]).fraction == 0.0
