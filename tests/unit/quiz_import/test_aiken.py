"""Aiken import (Moodle's rules): a good file, and a file whose every error names its line."""

from __future__ import annotations

import pytest

from app.services.quiz.banks import import_questions
from app.services.quiz.importers import parse_aiken
from app.services.quiz.importers.aiken import looks_like_aiken
from tests.unit.quiz_import.helpers import error_lines

GOOD = """玻尿酸注射后多久可以化妆？
A. 立即
B. 24小时后
C. 一周后
ANSWER: B

Is <b>sunscreen</b> needed after IPL?
A) Yes, <i>always</i>
B) No
ANSWER: A
"""


def test_good_file():
    result = parse_aiken(GOOD)
    assert result.errors == [] and result.skipped == 0
    first, second = result.questions
    assert first.type == "single_choice" and first.text_format == "plain"
    assert first.stem == "玻尿酸注射后多久可以化妆？"
    assert first.payload["options"] == [
        {"text": "立即", "fraction": 0.0, "feedback": ""},
        {"text": "24小时后", "fraction": 1.0, "feedback": ""},
        {"text": "一周后", "fraction": 0.0, "feedback": ""},
    ]
    assert second.stem == "Is <b>sunscreen</b> needed after IPL?"  # HTML kept as text
    assert second.payload["options"][0]["text"] == "Yes, <i>always</i>"


def test_crlf_and_no_blank_lines_between_questions():
    result = parse_aiken("Q1?\r\nA. x\r\nB. y\r\nANSWER: A\r\nQ2?\r\nA) x\r\nB) y\r\nANSWER: B")
    assert [q.stem for q in result.questions] == ["Q1?", "Q2?"]


BAD = """A. an option before any question
Question with one option?
A. only
ANSWER: A
Multi-line question
continues here
A. x
B. y
ANSWER: A
Wrong letter?
A. x
C. y
ANSWER: Z
Two letters in the answer line?
A. x
B. y
ANSWER: AB
ANSWER: B
Never answered?
A. x
B. y
"""


def test_file_with_errors_lists_each_line_and_imports_nothing():
    result = parse_aiken(BAD)
    assert error_lines(result) == [1, 4, 6, 12, 13, 17, 18, 19]
    assert result.questions == []
    texts = [str(error.message) for error in result.errors]
    assert texts[0] == "An option appears before any question."
    assert texts[1] == "A question needs at least two options."
    assert "line 5" in texts[2]
    assert texts[3] == "Expected option B here."
    assert texts[7] == "This question has no ANSWER line."


def test_duplicate_options_are_refused_by_the_question_type():
    result = parse_aiken("Q?\nA. same\nB. same\nANSWER: A\n")
    assert error_lines(result) == [1]


# --- as Chinese trainers type Aiken, and telling Aiken from GIFT in a .txt ---------------

def test_full_width_labels_chinese_answer_line_and_lower_case_letters():
    result = parse_aiken("术后第一天应该？\nＡ．热敷\nＢ．冷敷\n答案：B\n\n"
                         "哪个对？\nA、甲\nB、乙\nAnswer: a\n\n最后一题？\nA) x\nB) y\nANSWER:B.\n")
    assert result.errors == [], [str(error) for error in result.errors]
    assert [[o["text"] for o in q.payload["options"]] for q in result.questions] == [
        ["热敷", "冷敷"], ["甲", "乙"], ["x", "y"]]
    assert [[o["fraction"] for o in q.payload["options"]].index(1.0)
            for q in result.questions] == [1, 0, 1]


@pytest.mark.parametrize(("text", "aiken"), [
    ("Q?\nA. x\nB. y\nANSWER: A\n", True),
    ("问题？\nＡ．甲\nＢ．乙\n答案：A\n", True),
    ("Who? {=Grant ~Napoleon}\n\nTrue? {T}\n", False),
    ("// GIFT with an Aiken-looking stem\nA. x {=1 ~2}\n", False),
    ("Just a description.\n", False),
])
def test_aiken_is_told_from_gift_by_content(text, aiken):
    assert looks_like_aiken(text) is aiken


def test_txt_with_format_by_extension_is_read_by_content(app):
    aiken = import_questions("aiken-txt", "题库.txt", b"Q?\nA. x\nB. y\nANSWER: B\n",
                             None, dry_run=True)
    gift = import_questions("gift-txt", "题库.txt", b"Q? {=x ~y}\n", None,
                            dry_run=True)
    assert (aiken.errors, aiken.as_dict()["by_type"]) == ([], {"single_choice": 1})
    assert (gift.errors, gift.as_dict()["by_type"]) == ([], {"single_choice": 1})
    chosen = import_questions("chosen", "题库.txt", b"Q?\nA. x\nB. y\nANSWER: B\n",
                              "gift", dry_run=True)
    assert chosen.errors  # the format the user chose is obeyed
