"""The wrong-question book: an answer below full points puts a question in; two answers for
full points in a row take it out; a later mistake brings it back; practice rounds draw from
it. Short answers (graded by a person) never enter it; what the book holds is the same on its
page, in every count and in a practice round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.attempts import WrongQuestion
from app.services.errors import DomainError
from app.services.quiz import attempts, grading, wrong_book
from tests.learning_factories import person
from tests.quiz_factories import make_bank, make_quiz, multiple, short_answer, single, true_false

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def employee(demo):
    return person("employee")


def _exam(quiz, user, answers, minutes=0):
    attempt = attempts.start(quiz, user, T0 + timedelta(minutes=minutes))
    for position, raw in answers.items():
        attempts.save_answer(attempt, position, raw, T0)
    attempts.submit(attempt, T0 + timedelta(minutes=minutes + 1))
    db.session.commit()
    return attempt


def _stems(user):
    return [version.data["stem"] for _entry, version in wrong_book.book_page(user)]


def test_wrong_answers_enter_the_book_right_and_blank_ones_do_not(employee):
    quiz = make_quiz([single("甲"), true_false("乙"), single("丙")])
    _exam(quiz, employee, {0: 0, 1: False})  # 甲 wrong, 乙 right, 丙 left blank
    assert _stems(employee) == ["甲"]
    assert wrong_book.book_size(employee) == 1


def test_two_right_in_a_row_take_a_question_out(employee):
    quiz = make_quiz([single("甲")])
    _exam(quiz, employee, {0: 0}, minutes=0)
    _exam(quiz, employee, {0: 1}, minutes=10)
    assert _stems(employee) == ["甲"]  # one right answer is not enough
    _exam(quiz, employee, {0: 0}, minutes=20)  # wrong again: the streak restarts
    _exam(quiz, employee, {0: 1}, minutes=30)
    assert _stems(employee) == ["甲"]
    _exam(quiz, employee, {0: 1}, minutes=40)
    assert _stems(employee) == []
    _exam(quiz, employee, {0: 2}, minutes=50)  # wrong once more: back in the book
    entry, _version = wrong_book.book_page(employee)[0]
    assert entry.wrong_count == 3 and entry.correct_streak == 0


def test_a_practice_round_draws_from_the_book_and_grades_at_once(employee):
    quiz = make_quiz([single("甲"), true_false("乙"), short_answer("丙")])
    attempt = _exam(quiz, employee, {0: 0, 1: True, 2: "先认同，再推销。"})
    grading.grade_by_hand(attempt.questions[2], person("trainer"), 0.2, "", [], T0)
    db.session.commit()
    assert sorted(_stems(employee)) == ["乙", "甲"]  # the short answer 丙 never enters
    round_ = wrong_book.start_round(employee, T0 + timedelta(hours=1))
    stems = sorted(q.version.data["stem"] for q in round_.questions)
    assert stems == ["乙", "甲"]
    assert round_.mode == "wrong_book" and round_.quiz_id is None
    assert wrong_book.start_round(employee, T0 + timedelta(hours=1)).id == round_.id
    for row in round_.questions:
        right = 1 if row.version.data["type"] == "single_choice" else False
        attempts.save_answer(round_, row.rank, right, T0 + timedelta(hours=1))
        assert row.fraction == 1.0
    db.session.commit()
    second = wrong_book.start_round(employee, T0 + timedelta(hours=2))
    assert second.id != round_.id and round_.state == "finished"
    for row in second.questions:
        right = 1 if row.version.data["type"] == "single_choice" else False
        attempts.save_answer(second, row.rank, right, T0 + timedelta(hours=2))
    db.session.commit()
    assert _stems(employee) == [] and wrong_book.book_size(employee) == 0


def test_an_empty_book_has_nothing_to_practise(employee):
    with pytest.raises(DomainError):
        wrong_book.start_round(employee, T0)


def test_each_employee_has_their_own_book(employee):
    quiz = make_quiz([single("甲")])
    _exam(quiz, employee, {0: 0})
    assert _stems(person("supervisor")) == []


def test_a_short_answer_graded_partly_right_never_enters_the_book(employee):
    quiz = make_quiz([short_answer("丙")])
    attempt = _exam(quiz, employee, {0: "先认同，再推销。"})
    grading.grade_by_hand(attempt.questions[0], person("trainer"), 0.2, "", [], T0)
    grading.grade_by_hand(attempt.questions[0], person("trainer"), 0.4, "改分", [], T0)
    db.session.commit()
    assert attempt.percent == 40.0  # the regrade corrects the score
    assert db.session.scalar(select(func.count()).select_from(WrongQuestion)) == 0
    assert wrong_book.book_size(employee) == 0


def test_an_answer_below_full_points_enters_and_full_points_count_towards_leaving(employee):
    quiz = make_quiz([multiple("多")])
    _exam(quiz, employee, {0: [0]}, minutes=0)  # one right option of two: 0.5, partly right
    assert attempts.attempts_of(quiz, employee)[0].questions[0].fraction == 0.5
    assert _stems(employee) == ["多"]
    _exam(quiz, employee, {0: [0, 1]}, minutes=10)
    _exam(quiz, employee, {0: [0, 1]}, minutes=20)
    assert _stems(employee) == []


def _legacy_entries(employee, *questions):
    """Entries written before the rule (a short answer), or whose question was archived."""
    for question in questions:
        db.session.add(WrongQuestion(user_id=employee.id, question_id=question.id,
                                     wrong_count=1, added_at=T0, last_answered_at=T0))
    db.session.commit()


def test_the_page_the_counts_and_a_round_hold_the_same_questions(employee):
    rows = make_bank([short_answer("丙"), single("甲"), single("已归档")])
    rows[2].archived = True
    _legacy_entries(employee, *rows)
    assert _stems(employee) == ["甲"]
    assert wrong_book.book_size(employee) == 1
    round_ = wrong_book.start_round(employee, T0)
    assert [q.version.data["stem"] for q in round_.questions] == ["甲"]


def test_a_book_holding_only_an_old_short_answer_is_empty(employee):
    _legacy_entries(employee, *make_bank([short_answer("丙")]))
    assert _stems(employee) == [] and wrong_book.book_size(employee) == 0
    with pytest.raises(DomainError):
        wrong_book.start_round(employee, T0)


@pytest.mark.parametrize(("kind", "expected"), [
    ("short_answer", False), ("single_choice", True), ("multiple_choice", True),
    ("true_false", True), ("fill_blank", True), ("numerical", True), ("matching", True),
    ("ordering", True)])
def test_every_machine_graded_type_is_practisable(kind, expected):
    assert wrong_book.practisable(kind) is expected
