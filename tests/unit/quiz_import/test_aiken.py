"""Aiken import (Moodle's rules): a good file, and a file whose every error names its line."""

from __future__ import annotations

from app.services.quiz.importers import parse_aiken
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
