"""GIFT import, one test per question type and syntax feature, examples from Moodle's docs."""

from __future__ import annotations

import pytest

from app.services.quiz.importers import parse_gift
from tests.unit.quiz_import.helpers import only


def options(question):
    return [(o["text"], o["fraction"], o["feedback"]) for o in question.payload["options"]]


def test_multiple_choice_with_one_right_answer_is_single_choice():
    question = only("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert question.type == "single_choice"
    assert question.stem == "Who's buried in Grant's tomb?"
    assert options(question) == [("Grant", 0.0, ""), ("Jefferson", 0.0, ""),
                                 ("no one", 1.0, "")]
    assert question.text_format == "markdown" and question.title == ""


def test_answers_on_separate_indented_lines():
    question = only("Japanese characters originally came from what country? {\n"
                    "    ~India\n    =China\n    ~Korea\n    ~Egypt}")
    assert [o[0] for o in options(question)] == ["India", "China", "Korea", "Egypt"]


def test_missing_word_choice_keeps_a_blank_in_the_stem():
    question = only("Moodle costs {~lots of money =nothing ~a small amount} to download "
                    "from moodle.org.")
    assert question.type == "single_choice"
    assert question.stem == "Moodle costs ____ to download from moodle.org."
    assert options(question)[1] == ("nothing", 1.0, "")


def test_missing_word_short_answer_is_fill_blank():
    question = only("Two plus {=two =2} equals four.")
    assert question.type == "fill_blank"
    assert question.stem == "Two plus ____ equals four."
    assert [a["text"] for a in question.payload["answers"]] == ["two", "2"]


def test_short_answer_is_fill_blank_with_weights_and_feedback():
    question = only("Who's buried in Grant's tomb?{=Grant =%50%Ulysses Grant#Almost "
                    "=%0%no one#Wrong}")
    assert question.type == "fill_blank"
    assert question.stem == "Who's buried in Grant's tomb?"
    assert question.payload["answers"] == [
        {"text": "Grant", "fraction": 1.0, "feedback": ""},
        {"text": "Ulysses Grant", "fraction": 0.5, "feedback": "Almost"},
        {"text": "no one", "fraction": 0.0, "feedback": "Wrong"},
    ]


@pytest.mark.parametrize(("answer", "expected"),
                         [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_true_false_letters_and_words(answer, expected):
    question = only(f"Grant was buried in a tomb in New York City.{{{answer}}}")
    assert question.type == "true_false"
    assert question.payload == {"answer": expected, "feedback_true": "",
                                "feedback_false": ""}


def test_true_false_feedback_is_wrong_then_right():
    question = only("The sun rises in the west.{FALSE#No, it rises in the east.#Right.}")
    assert question.payload == {"answer": False, "feedback_true": "No, it rises in the east.",
                                "feedback_false": "Right."}


def test_per_answer_feedback():
    question = only("What's between orange and green in the spectrum?\n"
                    "{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, "
                    "it's yellow }")
    assert options(question) == [("yellow", 1.0, "right; good!"),
                                 ("red", 0.0, "wrong, it's yellow"),
                                 ("blue", 0.0, "wrong, it's yellow")]


def test_general_feedback():
    question = only("How many pounds are in a kilogram?{=2.2####One kilogram is about 2.2 "
                    "pounds.}")
    assert question.explanation == "One kilogram is about 2.2 pounds."
    assert question.payload["answers"][0]["text"] == "2.2"


def test_percentage_weights_including_negative_make_multiple_choice():
    question = only("What two people are entombed in Grant's tomb? {\n"
                    "   ~%-100%No one\n   ~%50%Grant\n   ~%50%Grant's wife\n"
                    "   ~%-100%Grant's father\n}")
    assert question.type == "multiple_choice"
    assert question.payload["scoring"] == "weights"
    assert options(question) == [("No one", -1.0, ""), ("Grant", 0.5, ""),
                                 ("Grant's wife", 0.5, ""), ("Grant's father", -1.0, "")]


def test_partial_weight_on_a_wrong_option_of_a_single_choice():
    question = only("Best time to apply sunscreen?{=Before going out ~%-50%Never ~Noon}")
    assert question.type == "single_choice"
    assert [o[1] for o in options(question)] == [1.0, -0.5, 0.0]


def test_decimal_weights_are_exact():
    question = only("Pick the right ones {~%33.333%a ~%33.333%b ~%33.334%c ~%-100%d}")
    assert [o[1] for o in options(question)] == [0.33333, 0.33333, 0.33334, -1.0]


def test_numerical_with_tolerance():
    question = only("When was Ulysses S. Grant born?{#1822:5}")
    assert question.type == "numerical"
    assert question.payload["answers"] == [{"value": 1822.0, "tolerance": 5.0, "min": None,
                                            "max": None, "fraction": 1.0, "feedback": ""}]


def test_numerical_exact_value_has_zero_tolerance():
    question = only("What is the value of pi (to 3 decimal places)? {#3.141}")
    assert question.payload["answers"][0]["value"] == 3.141
    assert question.payload["answers"][0]["tolerance"] == 0.0


def test_numerical_range():
    question = only("::Q5:: What is a number from 1 to 5? {#1..5}")
    assert question.payload["answers"] == [{"value": None, "tolerance": None, "min": 1.0,
                                            "max": 5.0, "fraction": 1.0, "feedback": ""}]


def test_numerical_multiple_answers_with_partial_credit():
    question = only("When was Ulysses S. Grant born? {#\n"
                    "    =1822:0      # Correct! Full credit.\n"
                    "    =%50%1822:2  # He was born in 1822. Half credit for being close.\n}")
    answers = question.payload["answers"]
    assert [(a["value"], a["tolerance"], a["fraction"]) for a in answers] == [
        (1822.0, 0.0, 1.0), (1822.0, 2.0, 0.5)]
    assert answers[0]["feedback"] == "Correct! Full credit."


def test_matching_with_a_distractor():
    question = only("Match the following countries with their corresponding capitals. {\n"
                    "    =Canada -> Ottawa\n    =Italy  -> Rome\n    =Japan  -> Tokyo\n"
                    "    = -> Paris\n}")
    assert question.type == "matching"
    assert question.payload == {
        "pairs": [{"left": "Canada", "right": "Ottawa"}, {"left": "Italy", "right": "Rome"},
                  {"left": "Japan", "right": "Tokyo"}],
        "distractors": ["Paris"],
    }


def test_essay_becomes_short_answer():
    question = only("Write a short biography of Dag Hammarskjöld. {}")
    assert question.type == "short_answer"
    assert question.payload == {"reference": "", "rubric": []}


def test_essay_with_general_feedback():
    question = only("Describe the aftercare. {####Mention ice and sunscreen.}")
    assert question.type == "short_answer"
    assert question.explanation == "Mention ice and sunscreen."


def test_question_name():
    question = only("::Kanji Origins::Japanese characters originally came from what "
                    "country? {=China ~India}")
    assert question.title == "Kanji Origins"
    assert question.stem.startswith("Japanese characters")


def test_categories_apply_to_the_questions_after_them():
    result = parse_gift("$CATEGORY: 护理/术后\n\nQ1 {T}\n\nQ2 {F}\n\n"
                        "$CATEGORY: $course$/top/Default for 新员工\n\nQ3 {T}")
    assert [q.category for q in result.questions] == ["护理/术后", "护理/术后",
                                                      "Default for 新员工"]


def test_descriptions_are_skipped_and_counted():
    result = parse_gift("You can use your pencil and paper for these next math questions.\n\n"
                        "::Intro::Read the SOP first.\n\nQ1 {T}")
    assert result.skipped == 2
    assert len(result.questions) == 1 and result.errors == []


def test_comments_are_ignored():
    question = only("// question: 1 name: Grant\n// another comment\n"
                    "Grant is buried {\n// inside the answers too\n=yes ~no}")
    assert question.stem == "Grant is buried"
    assert len(question.payload["options"]) == 2


def test_comment_only_blocks_are_not_counted():
    result = parse_gift("// just a comment\n\nQ1 {T}\n\n// trailing comment\n")
    assert result.skipped == 0 and len(result.questions) == 1


def test_escaped_special_characters():
    question = only(r"Which is the formula \{a\} \~ b \= c \# d \: e \\ f?"
                    r"{=x \= 1 \# one#feedback \: here ~x \~ 2 \{two\}}")
    assert question.stem == "Which is the formula {a} ~ b = c # d : e \\ f?"
    assert options(question) == [("x = 1 # one", 1.0, "feedback : here"),
                                 ("x ~ 2 {two}", 0.0, "")]


def test_escaped_colon_in_name_and_newline_escape():
    question = only(r"::Step 1\: prepare::First line\nsecond line {T}")
    assert question.title == "Step 1: prepare"
    assert question.stem == "First line\nsecond line"


@pytest.mark.parametrize(("prefix", "text_format"),
                         [("[markdown]", "markdown"), ("[html]", "html"), ("[plain]", "plain"),
                          ("[moodle]", "markdown"), ("", "markdown")])
def test_text_format_prefixes(prefix, text_format):
    question = only(f"::Q::{prefix}What is **this**? {{=bold ~italic}}")
    assert question.text_format == text_format
    assert question.stem == "What is **this**?"


def test_html_is_kept_as_given():
    question = only("[html]Is <b>this</b> <script>x()</script> bold?"
                    "{=[html]<i>yes</i>#[html]<u>right</u> ~no}")
    assert question.stem == "Is <b>this</b> <script>x()</script> bold?"
    assert options(question)[0] == ("<i>yes</i>", 1.0, "<u>right</u>")


def test_unknown_bracket_word_is_text():
    question = only("[note] Read carefully {T}")
    assert question.stem == "[note] Read carefully"


def test_chinese_text():
    result = parse_gift("// 单选题\n::注射后护理::玻尿酸注射后多久可以化妆？{\n"
                        "=24小时后#正确，需等针眼闭合\n~立即#错误\n~一周后\n"
                        "####参考《术后护理 SOP》}\n\n"
                        "光子嫩肤后需要严格防晒。{T}\n\n"
                        "肉毒素注射后 {=4 =四} 小时内不要平躺。")
    assert result.errors == []
    first, second, third = result.questions
    assert (first.title, first.stem) == ("注射后护理", "玻尿酸注射后多久可以化妆？")
    assert options(first)[0] == ("24小时后", 1.0, "正确，需等针眼闭合")
    assert first.explanation == "参考《术后护理 SOP》"
    assert second.payload["answer"] is True
    assert third.stem == "肉毒素注射后 ____ 小时内不要平躺。"


def test_several_questions_in_one_file():
    text = ("::Q1:: 1+1=2 {T}\n\n"
            "::Q2:: What's between orange and green in the spectrum?\n"
            "{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }"
            "\n\n::Q3:: Two plus {=two =2} equals four.\n\n"
            "::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }\n\n"
            "::Q5:: What is a number from 1 to 5? {#3:2}\n\n"
            "::Q6:: What is a number from 1 to 5? {#1..5}\n\n"
            "::Q7:: Write a story. {}\n")
    result = parse_gift(text)
    assert result.errors == []
    assert [q.type for q in result.questions] == [
        "true_false", "single_choice", "fill_blank", "matching", "numerical", "numerical",
        "short_answer"]
    assert [q.title for q in result.questions] == [f"Q{n}" for n in range(1, 8)]


def test_windows_line_endings_and_bom():
    result = parse_gift("\ufeffQ1 {T}\r\n\r\nQ2 {F}\r\n")
    assert [q.payload["answer"] for q in result.questions] == [True, False]


def test_escaped_backslash_before_a_live_marker():
    question = only(r"Path C:\\ {=C:\\~D:\\}")
    assert question.stem == "Path C:\\"
    assert options(question) == [("C:\\", 1.0, ""), ("D:\\", 0.0, "")]
