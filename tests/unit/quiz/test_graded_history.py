"""Graded attempts keep the score they were given. The 多选题 rules changed (ticking every
option no longer earns marks); an attempt graded under the old rule is never regraded: not when
a person grades its short answer, not when it is submitted again, not in its review, not when
the quiz's result is worked out. New attempts are graded by the corrected rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.services.quiz import attempts, grading, taking
from app.services.quiz.grading import quiz_result
from app.services.quiz.types.multiple_choice import MultipleChoice
from tests.learning_factories import person
from tests.quiz_factories import legacy_multiple, make_quiz, old_partial_score, short_answer

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
EVERYTHING = [0, 1, 2, 3]


@pytest.fixture
def graded_before(demo, monkeypatch):
    """An exam attempt graded by the old code: 全选 earned 2 of 2; its short answer waits."""
    quiz = make_quiz([legacy_multiple(), short_answer()], pass_percent=60)
    employee = person("employee")
    with monkeypatch.context() as patched:
        patched.setattr(MultipleChoice, "score", old_partial_score)
        attempt = attempts.start(quiz, employee, T0)
        attempts.save_answer(attempt, 0, EVERYTHING, T0)
        attempts.save_answer(attempt, 1, "先冰敷，再防晒。", T0)
        attempts.submit(attempt, T0 + timedelta(minutes=1))
    db.session.commit()
    assert attempt.questions[0].fraction == 1.0 and attempt.state == "grading"
    return quiz, employee, attempt


def test_grading_its_short_answer_later_keeps_the_old_score(graded_before):
    quiz, _employee, attempt = graded_before
    grading.grade_by_hand(attempt.questions[1], person("trainer"), 0.5, "", [], T0)
    db.session.commit()
    assert attempt.questions[0].fraction == 1.0
    assert (attempt.score, attempt.max_score, attempt.percent) == (2.5, 3.0, 83.33)
    assert attempt.passed


def test_submitting_again_or_regrading_the_short_answer_changes_nothing_else(graded_before):
    quiz, employee, attempt = graded_before
    grading.grade_by_hand(attempt.questions[1], person("trainer"), 1.0, "", [], T0)
    attempts.submit(attempt, T0 + timedelta(hours=1))
    grading.grade_by_hand(attempt.questions[1], person("trainer"), 0.0, "改分", [], T0)
    db.session.commit()
    db.session.expire_all()
    assert attempt.questions[0].fraction == 1.0 and attempt.score == 2.0
    assert quiz_result(quiz, attempts.attempts_of(quiz, employee)).percent == 66.67


def test_the_review_shows_the_score_that_was_given(graded_before):
    _quiz, _employee, attempt = graded_before
    view = taking.QuestionView(attempt.questions[0], attempt.mode)
    assert view.outcome == "right" and view.row.score == 2.0
    assert view.correct == [0, 2]  # the right answer is still shown as it is


def test_a_new_attempt_is_graded_by_the_corrected_rule(graded_before):
    quiz, employee, _attempt = graded_before
    attempt = attempts.start(quiz, employee, T0 + timedelta(days=1))
    attempts.save_answer(attempt, 0, EVERYTHING, T0 + timedelta(days=1))
    attempts.submit(attempt, T0 + timedelta(days=1, minutes=1))
    assert attempt.questions[0].fraction == 0.0  # 错选不得分
    earlier = attempts.attempts_of(quiz, employee)[0]
    assert earlier.questions[0].fraction == 1.0
