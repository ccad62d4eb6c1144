"""matching and ordering: validation, response normalisation, partial credit."""

from __future__ import annotations

import pytest

from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.types import get_type

from . import samples

MATCH = get_type("matching")
ORDER = get_type("ordering")


def refused(kind, payload: dict) -> str:
    with pytest.raises(QuestionError) as caught:
        kind.validate(QuestionData(type=kind.name, stem="s", payload=payload))
    return caught.value.field


# matching

def test_matching_all_pairs_right_scores_one():
    assert MATCH.grade(samples.matching(), {0: 0, 1: 1, 2: 2}).fraction == 1.0


def test_matching_scores_the_fraction_of_lefts_matched_correctly():
    assert MATCH.grade(samples.matching(), {0: 0, 1: 2, 2: 1}).fraction == pytest.approx(1 / 3)


def test_matching_distractor_chosen_counts_as_wrong():
    assert MATCH.grade(samples.matching(), {0: 3, 1: 1, 2: 2}).fraction == pytest.approx(2 / 3)


def test_matching_unanswered_left_counts_as_wrong():
    assert MATCH.grade(samples.matching(), {0: 0}).fraction == pytest.approx(1 / 3)


def test_matching_repeated_right_text_matches_either_copy():
    question = QuestionData(type="matching", stem="s", payload={"pairs": [
        {"left": "玻尿酸", "right": "可"}, {"left": "肉毒素", "right": "可"}]})
    MATCH.validate(question)
    assert MATCH.grade(question, {0: 1, 1: 0}).fraction == 1.0


@pytest.mark.parametrize(("raw", "expected"), [
    ({"0": "1", "2": 3}, {0: 1, 2: 3}), ([0, "1", None], {0: 0, 1: 1}), (["", 2], {1: 2}),
])
def test_matching_normalises_json_dicts_and_lists(raw, expected):
    assert MATCH.normalise_response(samples.matching(), raw) == expected


@pytest.mark.parametrize("raw", [{"5": 0}, {"0": 4}, {"x": 0}, "0-1", [0, 1, 2, 3]])
def test_matching_refuses_garbage_responses(raw):
    with pytest.raises(QuestionError):
        MATCH.normalise_response(samples.matching(), raw)


def test_matching_needs_two_pairs():
    assert refused(MATCH, {"pairs": [{"left": "a", "right": "b"}]}) == "payload.pairs"


def test_matching_lefts_must_be_distinct():
    pairs = [{"left": "a", "right": "1"}, {"left": "a", "right": "2"}]
    assert refused(MATCH, {"pairs": pairs}) == "payload.pairs[1]"


def test_matching_pair_needs_a_right():
    pairs = [{"left": "a", "right": "1"}, {"left": "b", "right": ""}]
    assert refused(MATCH, {"pairs": pairs}) == "payload.pairs[1].right"


def test_matching_distractor_may_not_repeat_a_right():
    pairs = [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]
    assert refused(MATCH, {"pairs": pairs, "distractors": ["2"]}) == "payload.distractors[0]"


def test_matching_distractors_are_optional():
    MATCH.validate(samples.matching(distractors=[]))


# ordering

def test_ordering_correct_order_scores_one():
    assert ORDER.grade(samples.ordering(), [0, 1, 2, 3, 4]).fraction == 1.0


def test_ordering_reversed_order_scores_zero():
    assert ORDER.grade(samples.ordering(), [4, 3, 2, 1, 0]).fraction == 0.0


def test_ordering_one_swap_of_five_items_scores_0_9():
    assert ORDER.grade(samples.ordering(), [0, 1, 3, 2, 4]).fraction == 0.9


def test_ordering_first_step_moved_to_the_end_of_five_scores_0_6():
    assert ORDER.grade(samples.ordering(), [1, 2, 3, 4, 0]).fraction == 0.6


def test_ordering_swap_of_two_items_scores_zero():
    assert ORDER.grade(samples.ordering(2), [1, 0]).fraction == 0.0


@pytest.mark.parametrize("raw", [["2", "0", "1"], "2,0,1", "２，０，１", (2, 0, 1)])
def test_ordering_normalises_lists_and_strings(raw):
    assert ORDER.normalise_response(samples.ordering(3), raw) == [2, 0, 1]


@pytest.mark.parametrize("raw", [[0, 1], [0, 1, 1], [0, 1, 3], "a,b,c", [0, 1, 2, 0], 7])
def test_ordering_refuses_anything_but_each_item_exactly_once(raw):
    with pytest.raises(QuestionError) as caught:
        ORDER.normalise_response(samples.ordering(3), raw)
    assert caught.value.field == "response"


def test_ordering_needs_two_items():
    assert refused(ORDER, {"items": ["only"]}) == "payload.items"


def test_ordering_items_must_be_distinct():
    assert refused(ORDER, {"items": ["a", "b", "a"]}) == "payload.items[2]"


def test_ordering_items_must_be_text():
    assert refused(ORDER, {"items": ["a", 2]}) == "payload.items[1]"
