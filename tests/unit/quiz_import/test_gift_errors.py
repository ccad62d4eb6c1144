"""GIFT import errors: each names its line; any error means nothing is imported."""

from __future__ import annotations

from app.services.quiz.importers import parse_gift
from tests.unit.quiz_import.helpers import error_lines, messages, only


def test_unclosed_brace_names_the_line_of_the_brace():
    result = parse_gift("Q1 {T}\n\n// comment\n::Q2::\nWho's buried in Grant's tomb?\n"
                        "{~Grant ~Jefferson =no one\n\nQ3 {F}")
    assert error_lines(result) == [6]
    assert "never closed" in messages(result)[0]
    assert result.questions == []


def test_closing_brace_without_opening_one():
    result = parse_gift("Q1 } what {T}")
    assert error_lines(result) == [1]
    assert "has no “{”" in messages(result)[0]


def test_no_correct_answer():
    result = parse_gift("Q1 {T}\n\nWho's buried in Grant's tomb?\n{~Grant ~Jefferson ~no one}")
    assert error_lines(result) == [4]
    assert "No answer is marked correct" in messages(result)[0]


def test_weight_above_100_percent():
    result = parse_gift("Pick {\n~%50%a\n~%150%b\n~c\n}")
    assert error_lines(result) == [3]
    assert "%150%" in messages(result)[0]


def test_weight_below_minus_100_percent():
    result = parse_gift("Pick {=a ~%-200%b}")
    assert error_lines(result) == [1]


def test_empty_answer_names_its_line():
    result = parse_gift("// comment line\nPick one {\n=a\n~\n~c\n}")
    assert error_lines(result) == [4]
    assert messages(result) == ["An answer is empty."]


def test_every_error_is_listed_and_nothing_imported():
    text = ("Good {T}\n\n"
            "Unclosed {=a ~b\n\n"
            "Good too {=yes ~no}\n\n"
            "Bad weight {~%150%a =b}\n\n"
            "No right answer {~a ~b}\n\n"
            "Matching without arrow {=a -> b =c}\n\n"
            "Numerical garbage {#abc}")
    result = parse_gift(text)
    assert error_lines(result) == [3, 7, 9, 11, 13]
    assert result.questions == [] and not result.ok


def test_registry_validation_error_names_the_question_line():
    result = parse_gift("Q1 {T}\n\n::dup::\nSame option twice {=a ~a}")
    assert error_lines(result) == [3]
    assert "repeats" in messages(result)[0]


def test_two_right_answers_for_a_single_choice_are_refused():
    result = parse_gift("Pick {\n=a\n=b\n~c}")
    assert error_lines(result) == [3]
    assert "2 answers are worth 100%" in messages(result)[0]


def test_unclosed_question_name_is_read_as_moodle_reads_it():
    question = only("::Q1 Who is buried here? {=Grant ~nobody}")
    assert (question.title, question.stem) == ("", "Q1 Who is buried here?")


def test_two_answer_blocks():
    result = parse_gift("A {=a ~b} and B {=c ~d}")
    assert "only one answer block" in messages(result)[0]


def test_brace_inside_answers():
    result = parse_gift("Q {\n=a\n~b { c\n}")
    assert error_lines(result) == [3]


def test_choice_needs_two_answers():
    result = parse_gift("Q {~%100%only}")
    assert "at least 2 answers" in messages(result)[0]


def test_numerical_answer_that_is_not_a_number_names_its_line():
    result = parse_gift("Year? {#\n=1822\n=eighteen#Wrong\n~#Wrong year\n}")
    assert error_lines(result) == [3]


def test_category_followed_by_question_without_blank_line():
    result = parse_gift("$CATEGORY: 护理\nQ1 {T}")
    assert error_lines(result) == [1]


def test_bad_metadata_comment():
    result = parse_gift("// sop-academy: {not json\nQ1 {T}\n\n"
                        "// sop-academy: {\"colour\": \"red\"}\nQ2 {T}\n\n"
                        "// sop-academy: {\"difficulty\": 9}\nQ3 {T}")
    assert error_lines(result) == [1, 4, 7]
    assert "JSON" in messages(result)[0]
    assert "colour" in messages(result)[1]
    assert "between 1 and 5" in messages(result)[2]


def test_metadata_comment_without_question():
    result = parse_gift("// sop-academy: {\"points\": 2}\n\nQ1 {T}")
    assert error_lines(result) == [1]


def test_reserved_placeholder_characters_are_refused_by_line():
    result = parse_gift("Q1 {T}\n\nQ2\nbad \ufdd0 char {T}")
    assert error_lines(result) == [4]
