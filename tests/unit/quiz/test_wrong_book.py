"""The wrong-question book: a wrong answer puts a question in; two right answers in a row
take it out; a later mistake brings it back; practice rounds draw from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.services.errors import DomainError
from app.services.quiz import attempts, grading, wrong_book
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, short_answer, single, true_false

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
    assert sorted(_stems(employee)) == ["丙", "乙", "甲"]
    round_ = wrong_book.start_round(employee, T0 + timedelta(hours=1))
    stems = sorted(q.version.data["stem"] for q in round_.questions)
    assert stems == ["乙", "甲"]  # nobody would grade a short answer in a round
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
    assert _stems(employee) == ["丙"]


def test_an_empty_book_has_nothing_to_practise(employee):
    with pytest.raises(DomainError):
        wrong_book.start_round(employee, T0)


def test_each_employee_has_their_own_book(employee):
    quiz = make_quiz([single("甲")])
    _exam(quiz, employee, {0: 0})
    assert _stems(person("supervisor")) == []


def test_a_regrade_corrects_the_score_without_counting_the_mistake_twice(employee):
    quiz = make_quiz([short_answer("丙")])
    attempt = _exam(quiz, employee, {0: "先认同，再推销。"})
    grading.grade_by_hand(attempt.questions[0], person("trainer"), 0.2, "", [], T0)
    grading.grade_by_hand(attempt.questions[0], person("trainer"), 0.4, "改分", [], T0)
    db.session.commit()
    entry, _version = wrong_book.book_page(employee)[0]
    assert entry.wrong_count == 1 and attempt.percent == 40.0
