"""fill_blank: every normalisation rule of answer matching, partial credit, validation."""

from __future__ import annotations

import pytest

from app.services.quiz.data import QuestionData, QuestionError, option
from app.services.quiz.textmatch import answers_match, normalise_answer_text
from app.services.quiz.types import get_type

from . import samples

FILL = get_type("fill_blank")


def score(question, typed: str) -> float:
    return FILL.grade(question, FILL.normalise_response(question, typed)).fraction


def test_fill_blank_exact_answer_scores_one_with_feedback():
    grade = FILL.grade(samples.fill_blank(), "Botox")
    assert (grade.fraction, grade.feedback) == (1.0, ["好"])


def test_fill_blank_matches_ignoring_case():
    assert score(samples.fill_blank(), "bOTOX") == 1.0


def test_fill_blank_matches_full_width_letters():
    assert score(samples.fill_blank(), "ＢＯＴＯＸ") == 1.0


def test_fill_blank_matches_full_width_digits():
    question = samples.fill_blank(option("24小时", 1.0))
    assert score(question, "２４小时") == 1.0


def test_fill_blank_ignores_surrounding_spaces_including_ideographic_space():
    assert score(samples.fill_blank(), "\u3000 Botox \t") == 1.0


def test_fill_blank_collapses_inner_whitespace():
    question = samples.fill_blank(option("hyaluronic acid", 1.0))
    assert score(question, "hyaluronic \u3000  acid") == 1.0


def test_fill_blank_does_not_ignore_inner_spaces_altogether():
    question = samples.fill_blank(option("hyaluronic acid", 1.0))
    assert score(question, "hyaluronicacid") == 0.0


def test_fill_blank_ignores_zero_width_characters_pasted_from_chat():
    assert score(samples.fill_blank(), "Bo\u200btox") == 1.0


@pytest.mark.parametrize(("chinese", "english"), [
    ("，", ","), ("。", "."), ("；", ";"), ("：", ":"), ("！", "!"), ("？", "?"),
    ("（", "("), ("）", ")"), ("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("、", ","),
])
def test_fill_blank_treats_chinese_and_english_punctuation_as_equal(chinese, english):
    assert answers_match(f"a{chinese}b", f"a{english}b")


def test_fill_blank_matches_a_chinese_punctuated_answer_typed_in_english():
    question = samples.fill_blank(option("冰敷（15分钟），再观察", 1.0))
    assert score(question, "冰敷(15分钟),再观察") == 1.0


@pytest.mark.parametrize("typed", ["Botox。", "Botox.", "Botox！", "Botox?!", "Botox ；",
                                   "Botox…"])
def test_fill_blank_ignores_trailing_punctuation(typed):
    assert score(samples.fill_blank(), typed) == 1.0


def test_fill_blank_ignores_trailing_punctuation_of_the_accepted_answer_too():
    assert score(samples.fill_blank(option("冰敷。", 1.0)), "冰敷") == 1.0


def test_fill_blank_keeps_leading_punctuation():
    assert score(samples.fill_blank(), "。Botox") == 0.0


def test_fill_blank_keeps_trailing_brackets():
    assert normalise_answer_text("(A)") == "(a)"


def test_fill_blank_wrong_answer_scores_zero_without_feedback():
    grade = FILL.grade(samples.fill_blank(), "玻尿酸")
    assert (grade.fraction, grade.feedback) == (0.0, [])


def test_fill_blank_partial_credit_answer_gives_its_fraction_and_feedback():
    grade = FILL.grade(samples.fill_blank(), "肉毒素")
    assert (grade.fraction, grade.feedback) == (0.5, ["半对"])


def test_fill_blank_best_matching_answer_wins():
    question = samples.fill_blank(option("冰敷", 0.5, "低"), option("冰敷。", 1.0, "高"))
    assert FILL.grade(question, "冰敷").feedback == ["高"]


def test_fill_blank_negative_answer_is_clamped_to_zero_but_keeps_its_feedback():
    question = samples.fill_blank(option("Botox", 1.0), option("热敷", -0.5, "危险"))
    grade = FILL.grade(question, "热敷")
    assert (grade.fraction, grade.feedback) == (0.0, ["危险"])


def test_fill_blank_response_keeps_the_typed_text_but_trims_it():
    assert FILL.normalise_response(samples.fill_blank(), "  ＢＯＴＯＸ。 ") == "ＢＯＴＯＸ。"


@pytest.mark.parametrize("raw", [5, ["Botox"], "x" * 2001])
def test_fill_blank_refuses_non_text_or_overlong_responses(raw):
    with pytest.raises(QuestionError) as caught:
        FILL.normalise_response(samples.fill_blank(), raw)
    assert caught.value.field == "response"


def test_fill_blank_needs_an_accepted_answer():
    with pytest.raises(QuestionError) as caught:
        FILL.validate(QuestionData(type="fill_blank", stem="s", payload={"answers": []}))
    assert caught.value.field == "payload.answers"


def test_fill_blank_needs_a_full_credit_answer():
    with pytest.raises(QuestionError) as caught:
        FILL.validate(samples.fill_blank(option("肉毒素", 0.5)))
    assert caught.value.field == "payload.answers"


def test_fill_blank_refuses_an_answer_that_is_only_punctuation():
    with pytest.raises(QuestionError) as caught:
        FILL.validate(samples.fill_blank(option("Botox", 1.0), option("。", 0.5)))
    assert caught.value.field == "payload.answers[1].text"


@pytest.mark.parametrize("typed", ["2~3 天", "2-3天", "2－3天", "２～３天", "2–3天", "2—3天",
                                   "2至3天", "2 到 3 天", "2 - 3天", "2~3天。"])
def test_fill_blank_accepts_every_way_of_writing_a_range(typed):
    question = samples.fill_blank(option("2~3天", 1.0))
    assert score(question, typed) == 1.0


def test_fill_blank_range_written_with_a_dash_in_the_key_accepts_a_tilde():
    question = samples.fill_blank(option("15–30", 1.0))
    assert score(question, "15～30") == 1.0


def test_fill_blank_range_keeps_its_numbers():
    question = samples.fill_blank(option("2~3天", 1.0))
    assert score(question, "2~4天") == 0.0


def test_fill_blank_ignores_spaces_next_to_chinese_characters():
    question = samples.fill_blank(option("客户的预期", 1.0))
    assert score(question, "客户的 预期…") == 1.0


def test_fill_blank_unit_may_be_spaced_or_not():
    question = samples.fill_blank(option("24小时", 1.0))
    assert score(question, "24 小时") == 1.0
