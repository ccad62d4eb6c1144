"""GIFT as Moodle reads it: one test per construct of Moodle's GIFT documentation, with the
documentation's English examples and Chinese ones written the same way, then a sample file
of every construct that must import whole, be graded as Moodle grades it and export back."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.quiz.data import QuestionData, numerical_answer, option, other_number
from app.services.quiz.gift_export import to_gift
from app.services.quiz.importers import parse_gift
from app.services.quiz.importers.xlsx import parse_xlsx
from app.services.quiz.types import get_type
from app.services.quiz.xlsx_template import export_xlsx
from tests.unit.quiz_import.helpers import only

SAMPLE = Path(__file__).parent / "samples" / "gift_moodle_docs.gift"


def grade(question: QuestionData, raw) -> tuple[float, list[str]]:
    kind = get_type(question.type)
    result = kind.grade(question, kind.normalise_response(question, raw))
    return result.fraction, result.feedback


def options(question):
    return [(o["text"], o["fraction"]) for o in question.payload["options"]]


# --- multiple choice --------------------------------------------------------------------

def test_single_answer_whose_other_answers_give_partial_credit_is_a_single_choice():
    question = only("术后红肿怎么办？{=完全正确 ~%50%部分正确 ~错误}")
    assert question.type == "single_choice"
    assert options(question) == [("完全正确", 1.0), ("部分正确", 0.5), ("错误", 0.0)]
    assert grade(question, 0)[0] == 1.0
    assert grade(question, 1)[0] == 0.5
    assert grade(question, 2)[0] == 0.0


def test_single_answer_with_a_negative_option_scores_zero_not_below():
    question = only("Who's buried in Grant's tomb?{=Grant ~%-50%Napoleon ~no one}")
    assert question.type == "single_choice"
    assert grade(question, 1)[0] == 0.0


def test_percent_weight_on_the_single_answer_line_of_a_multiple_answer_question():
    # The documentation's "multiple answers" example: no "=", weights with "~%n%".
    question = only("What two people are entombed in Grant's tomb? {~%-100%No one "
                    "~%50%Grant ~%50%Grant's wife ~%-100%Grant's father}")
    assert question.type == "multiple_choice"
    assert question.payload["scoring"] == "weights"
    assert grade(question, [1, 2])[0] == 1.0
    assert grade(question, [0, 1, 2, 3])[0] == 0.0


def test_two_equals_answers_are_refused_with_the_way_out():
    result = parse_gift("哪些正确？{=甲 =乙 ~丙}")
    assert [error.line for error in result.errors] == [1]
    assert "~%50%" in str(result.errors[0].message)


def test_answer_feedback_after_hash():
    question = only("::Q2:: What's between orange and green in the spectrum?\n"
                    "{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, "
                    "it's yellow }")
    assert [o["feedback"] for o in question.payload["options"]] == [
        "right; good!", "wrong, it's yellow", "wrong, it's yellow"]
    assert grade(question, 1) == (0.0, ["wrong, it's yellow"])


def test_general_feedback_after_four_hashes():
    question = only("玻尿酸多久可以化妆？{=24 小时后 ~立即 ####注射后 24 小时内避免化妆。}")
    assert question.explanation == "注射后 24 小时内避免化妆。"


def test_missing_word_puts_a_blank_where_the_answers_were():
    question = only("Moodle costs {~lots of money =nothing ~a small amount} to download "
                    "from moodle.org.")
    assert question.stem == "Moodle costs ____ to download from moodle.org."
    assert only("玻尿酸注射后 {=24 =二十四} 小时内不要化妆。").stem == (
        "玻尿酸注射后 ____ 小时内不要化妆。")


# --- true / false -----------------------------------------------------------------------

@pytest.mark.parametrize(("block", "answer"), [("{T}", True), ("{TRUE}", True),
                                               ("{F}", False), ("{FALSE}", False)])
def test_true_false_every_spelling(block, answer):
    assert only(f"1+1=2 {block}").payload["answer"] is answer


def test_true_false_feedback_for_wrong_then_right():
    question = only("玻尿酸注射后可以立即桑拿。{F#桑拿会加重肿胀。#回答正确。}")
    assert grade(question, True) == (0.0, ["桑拿会加重肿胀。"])
    assert grade(question, False) == (1.0, ["回答正确。"])


# --- short answer (our fill_blank) -------------------------------------------------------

def test_short_answer_with_several_answers_and_percent_credit():
    question = only("出院回访应在几小时内完成？{=24 =二十四 =%50%48#接近了}")
    assert question.type == "fill_blank"
    assert grade(question, "二十四")[0] == 1.0
    assert grade(question, "48") == (0.5, ["接近了"])


# --- matching ---------------------------------------------------------------------------

def test_matching_pairs_and_a_distractor():
    question = only("Which animal eats which food? { =cat -> cat food =dog -> dog food "
                    "= -> bird seed }")
    assert question.type == "matching"
    assert question.payload == {"pairs": [{"left": "cat", "right": "cat food"},
                                          {"left": "dog", "right": "dog food"}],
                                "distractors": ["bird seed"]}


# --- numerical --------------------------------------------------------------------------

def test_numerical_value_and_tolerance():
    question = only("What is a number from 1 to 5? {#3:2}")
    assert [grade(question, n)[0] for n in ("1", "5", "5.5")] == [1.0, 1.0, 0.0]


def test_numerical_range():
    question = only("What is a number from 1 to 5? {#1..5}")
    assert [grade(question, n)[0] for n in ("1", "5", "0.9")] == [1.0, 1.0, 0.0]


def test_numerical_several_answers_with_partial_credit():
    question = only("When was Ulysses S. Grant born? {#\n=1822:0 # Correct! Full credit.\n"
                    "=%50%1822:2 # He was born in 1822. Half credit for being close.\n}")
    assert grade(question, "1822") == (1.0, ["Correct! Full credit."])
    assert grade(question, "1821") == (
        0.5, ["He was born in 1822. Half credit for being close."])
    assert only("{# =%100%3:0 =%50%3:1}".join(["三是多少", ""])).payload["answers"][1][
        "fraction"] == 0.5


def test_numerical_feedback_for_any_other_answer():
    question = only("3 加 0 等于几？{#3:2 ~#完全不对}")
    assert question.type == "numerical"
    assert grade(question, "4") == (1.0, [])
    assert grade(question, "99") == (0.0, ["完全不对"])


def test_numerical_star_answer_is_any_other_number_with_its_credit():
    question = only("几周？{#=16 =%20%*#再想想}")
    assert grade(question, "3") == (0.2, ["再想想"])


def test_numerical_with_the_answer_before_closing_punctuation_is_missing_word():
    question = only("What is the value of pi (to 3 decimal places)? {#3.14159:0.0005}.")
    assert question.stem == "What is the value of pi (to 3 decimal places)? ____."


# --- essay, description, names, comments, formats, escapes, layout --------------------

def test_essay_is_a_short_answer_for_a_person_to_mark():
    question = only("Write a short biography of Dag Hammarskjöld. {}")
    assert question.type == "short_answer"


def test_description_without_braces_is_skipped_and_counted():
    result = parse_gift("You can use your pencil and paper for these next math "
                        "questions.\n\n::Q:: 1+1=2 {T}")
    assert (result.skipped, len(result.questions)) == (1, 1)


def test_title_and_comment_lines():
    question = only("// question: 1 name: 格兰特墓\n::格兰特墓::谁葬在格兰特墓？\n"
                    "// 注释可以在题目中间\n{=格兰特 ~没有人}")
    assert (question.title, question.stem) == ("格兰特墓", "谁葬在格兰特墓？")


@pytest.mark.parametrize(("prefix", "text_format"), [("[html]", "html"),
                                                     ("[markdown]", "markdown"),
                                                     ("[plain]", "plain"),
                                                     ("[moodle]", "markdown")])
def test_text_formats(prefix, text_format):
    question = only(f"::Q::{prefix}Is *this* right? {{T}}")
    assert (question.text_format, question.stem) == (text_format, "Is *this* right?")


def test_escaped_special_characters():
    question = only("Which answer equals 5? {\n ~ \\= 2 + 2\n = \\= 2 + 3\n ~ \\= 2 + 4 }")
    assert [o[0] for o in options(question)] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    escaped = only("比例 1\\:2 与 \\{a\\} \\~ \\# 是什么？{=对\\#1 ~错}")
    assert escaped.stem == "比例 1:2 与 {a} ~ # 是什么？"
    assert options(escaped)[0] == ("对#1", 1.0)


def test_newline_escape_in_question_text():
    assert only("第一行\\n第二行 {T}").stem == "第一行\n第二行"


def test_category_applies_to_the_questions_below():
    result = parse_gift("$CATEGORY: $course$/top/术后护理/注射\n\n1+1=2 {T}\n\n"
                        "$CATEGORY: 回访\n\n出院回访 {T}")
    assert [q.category for q in result.questions] == ["术后护理/注射", "回访"]


def test_answers_on_continuation_lines_crlf_and_bom():
    result = parse_gift("\ufeff::BOM:: 带 BOM 与 CRLF 的题目 {T}\r\n\r\n::第二题::\r\n"
                        "  多行题目\r\n  继续 {\r\n  =对\r\n  ~错\r\n}\r\n")
    assert result.errors == []
    assert [q.title for q in result.questions] == ["BOM", "第二题"]
    assert result.questions[1].stem == "多行题目\n继续"


def test_unclosed_name_reads_on_as_question_text():
    assert only("::Q1 Who is buried here? {=Grant ~nobody}").stem == "Q1 Who is buried here?"


# --- a file of every construct ----------------------------------------------------------

def test_sample_file_imports_whole_and_exports_back_equal():
    result = parse_gift(SAMPLE.read_text(encoding="utf-8"))
    assert result.errors == []
    assert result.skipped == 1
    kinds = [question.type for question in result.questions]
    assert kinds == ["true_false", "true_false", "single_choice", "single_choice",
                     "multiple_choice", "single_choice", "fill_blank", "matching",
                     "numerical", "numerical", "numerical", "numerical", "single_choice",
                     "single_choice", "short_answer"]
    assert {q.category for q in result.questions} == {"术后护理", "计算"}
    again = parse_gift(to_gift(result.questions))
    assert again.errors == [] and again.questions == result.questions


def test_any_other_number_and_half_right_options_export_as_moodle_writes_them():
    questions = [
        QuestionData("numerical", "几周？", payload={"answers": [
            numerical_answer(16.0, 0.0), other_number(0.0, "完全不对")]}),
        QuestionData("numerical", "几周？", payload={"answers": [
            numerical_answer(16.0, 0.0), other_number(0.25, "")]}),
        QuestionData("single_choice", "怎么办？", payload={"options": [
            option("冷敷", 1.0), option("观察", 0.5, "还应冷敷"), option("热敷", -0.5)]}),
    ]
    text = to_gift(questions)
    assert "\n~#完全不对\n" in text and "\n=%25%*\n" in text
    assert "\n~%50%观察#还应冷敷\n" in text
    assert "sop-academy" not in text.split("\n", 2)[2]  # GIFT alone carries them
    assert parse_gift(text).questions == questions
    assert parse_xlsx(export_xlsx(questions)).questions == questions
