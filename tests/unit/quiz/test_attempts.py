"""Attempts end to end at the service level: start and resume, answers saved as given,
idempotent submit, the server's deadline, attempt limits and cool-down, the grading method,
practice feedback, grading by a person, and history pinned to question versions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AttemptQuestion, QuestionVersion, QuizAttempt
from app.services.errors import DomainError, NotFound
from app.services.quiz import attempts, grading
from tests.learning_factories import person
from tests.quiz_factories import (
    fill_blank,
    make_quiz,
    matching,
    multiple,
    ordering,
    short_answer,
    single,
    true_false,
)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def employee(demo):
    return person("employee")


def _take(quiz, user, answers: dict[int, object], now=T0):
    attempt = attempts.start(quiz, user, now)
    for position, raw in answers.items():
        attempts.save_answer(attempt, position, raw, now)
    attempts.submit(attempt, now + timedelta(minutes=1))
    db.session.commit()
    return attempt


def test_start_pins_versions_and_resumes_the_open_attempt(employee):
    quiz = make_quiz([single(), true_false()])
    first = attempts.start(quiz, employee, T0)
    db.session.commit()
    again = attempts.start(quiz, employee, T0 + timedelta(minutes=5))
    assert again.id == first.id
    assert [q.version.number for q in first.questions] == [1, 1]
    assert first.max_score == 2.0


def test_answers_are_saved_normalised_and_survive_a_reload(employee):
    quiz = make_quiz([single(), multiple(), true_false(), fill_blank()])
    attempt = attempts.start(quiz, employee, T0)
    attempts.save_answer(attempt, 0, "1", T0)
    attempts.save_answer(attempt, 1, ["1", "0"], T0)
    attempts.save_answer(attempt, 2, "错", T0)
    attempts.save_answer(attempt, 3, "  ２４ ", T0)
    db.session.commit()
    attempt_id, employee_id = attempt.id, employee.id
    db.session.expunge_all()
    reloaded = attempts.load_attempt(attempt_id, db.session.get(type(employee), employee_id))
    assert [q.response for q in reloaded.questions] == [1, [0, 1], False, "２４"]
    assert reloaded.current_rank == 3
    assert all(q.fraction is None for q in reloaded.questions)  # exam: graded at submit


def test_a_garbage_answer_is_refused_with_a_message(employee):
    quiz = make_quiz([single()])
    attempt = attempts.start(quiz, employee, T0)
    with pytest.raises(DomainError) as error:
        attempts.save_answer(attempt, 0, "7", T0)
    assert "7" in str(error.value)
    with pytest.raises(NotFound):
        attempts.save_answer(attempt, 5, "1", T0)


def test_submit_grades_once_however_often_it_is_called(employee):
    quiz = make_quiz([single(), multiple(), fill_blank()], pass_percent=60)
    attempt = attempts.start(quiz, employee, T0)
    attempts.save_answer(attempt, 0, 1, T0)
    attempts.save_answer(attempt, 1, [0, 2], T0)  # 0.5 - 1.0 → clamped to 0
    attempts.save_answer(attempt, 2, "二十四", T0)
    attempts.submit(attempt, T0 + timedelta(minutes=2))
    db.session.commit()
    first = (attempt.state, attempt.score, attempt.submitted_at)
    attempts.submit(attempt, T0 + timedelta(minutes=9))
    db.session.commit()
    assert (attempt.state, attempt.score, attempt.submitted_at) == first
    assert attempt.state == "finished" and attempt.score == 2.0
    assert attempt.percent == pytest.approx(66.67) and attempt.passed is True
    with pytest.raises(DomainError):
        attempts.save_answer(attempt, 0, 0, T0 + timedelta(minutes=10))


def test_past_the_deadline_the_attempt_is_submitted_with_what_was_saved(employee):
    quiz = make_quiz([single(), true_false()], time_limit_minutes=10)
    attempt = attempts.start(quiz, employee, T0)
    assert attempt.deadline == T0 + timedelta(minutes=10)
    attempts.save_answer(attempt, 0, 1, T0 + timedelta(minutes=9))
    db.session.commit()
    late = T0 + timedelta(minutes=11)
    with pytest.raises(DomainError) as error:
        attempts.save_answer(attempt, 1, False, late)
    db.session.commit()
    assert error.value.field == "deadline"
    assert attempt.state == "finished" and attempt.auto_submitted
    assert attempt.score == 1.0  # the saved answer counted, the late one did not
    assert attempt.questions[1].response is None


def test_overdue_attempts_are_swept_without_the_employee(employee):
    quiz = make_quiz([single()], time_limit_minutes=5)
    attempt = attempts.start(quiz, employee, T0)
    attempts.save_answer(attempt, 0, 1, T0)
    db.session.commit()
    assert attempts.expire_overdue_attempts(T0 + timedelta(minutes=4)) == 0
    assert attempts.expire_overdue_attempts(T0 + timedelta(minutes=6)) == 1
    db.session.commit()
    assert attempt.state == "finished" and attempt.percent == 100.0


def test_the_deadline_never_runs_past_the_close_of_the_quiz(employee):
    quiz = make_quiz([single()], time_limit_minutes=60, closes_at=T0 + timedelta(minutes=20))
    attempt = attempts.start(quiz, employee, T0)
    assert attempt.deadline == T0 + timedelta(minutes=20)


def test_attempt_limit_and_cool_down_are_enforced(employee):
    quiz = make_quiz([single()], max_attempts=2, cooldown_minutes=30)
    _take(quiz, employee, {0: 0})
    with pytest.raises(DomainError):
        attempts.start(quiz, employee, T0 + timedelta(minutes=20))
    check = attempts.check_start(quiz, employee, attempts.attempts_of(quiz, employee),
                                 T0 + timedelta(minutes=20))
    assert not check.allowed and check.next_at == T0 + timedelta(minutes=31)
    _take(quiz, employee, {0: 1}, now=T0 + timedelta(minutes=40))
    with pytest.raises(DomainError, match="2"):
        attempts.start(quiz, employee, T0 + timedelta(days=1))
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 2


def test_the_window_opens_and_closes(employee):
    quiz = make_quiz([single()], opens_at=T0 + timedelta(hours=1),
                     closes_at=T0 + timedelta(hours=2))
    with pytest.raises(DomainError):
        attempts.start(quiz, employee, T0)
    attempts.start(quiz, employee, T0 + timedelta(minutes=61))
    db.session.rollback()
    with pytest.raises(DomainError):
        attempts.start(quiz, employee, T0 + timedelta(hours=3))


@pytest.mark.parametrize("method,expected,passed", [
    ("highest", 100.0, True), ("last", 0.0, False), ("first", 50.0, True),
    ("average", 50.0, True)])
def test_grading_method_picks_the_score_that_counts(employee, method, expected, passed):
    quiz = make_quiz([single(right=1), true_false(answer=False)], grading_method=method,
                     pass_percent=50)
    for minutes, answers in ((0, {0: 1, 1: True}), (10, {0: 1, 1: False}), (20, {})):
        _take(quiz, employee, answers, now=T0 + timedelta(minutes=minutes))
    taken = attempts.attempts_of(quiz, employee)
    assert [a.percent for a in taken] == [50.0, 100.0, 0.0]
    result = grading.quiz_result(quiz, taken)
    assert (result.percent, result.passed, result.graded) == (expected, passed, 3)
    # the reports' SQL (assignment status) counts the same attempt as passed or not
    from sqlalchemy import select

    from app.extensions import db
    from app.services.assign.progress import quiz_progress

    progress = quiz_progress()
    done = db.session.scalar(select(progress.c.done).where(
        progress.c.user_id == employee.id, progress.c.item_id == quiz.id))
    assert done == int(passed)


def test_editing_a_question_leaves_past_attempts_alone(employee):
    quiz = make_quiz([single(right=1)])
    attempt = _take(quiz, employee, {0: 1})
    question = quiz.items[0].question
    edited = single(right=2, stem="改过的题干").to_dict()
    question.versions.append(QuestionVersion(number=2, data=edited))
    question.current_version = 2
    db.session.commit()
    attempt_id, employee_id = attempt.id, employee.id
    db.session.expunge_all()
    employee = db.session.get(type(employee), employee_id)
    again = attempts.load_attempt(attempt_id, employee)
    assert again.score == 1.0 and again.questions[0].version.number == 1
    assert again.questions[0].version.data["stem"] == "客户说太贵了，第一句怎么回？"
    new_attempt = attempts.start(again.quiz, employee, T0 + timedelta(hours=1))
    assert new_attempt.questions[0].version.number == 2


def test_practice_grades_each_answer_at_once_and_locks_it(employee):
    quiz = make_quiz([single(), true_false()], mode="practice")
    attempt = attempts.start(quiz, employee, T0)
    row = attempts.save_answer(attempt, 0, 0, T0)
    assert row.fraction == 0.0
    with pytest.raises(DomainError):
        attempts.save_answer(attempt, 0, 1, T0)
    assert grading.review_allowed(attempt, T0)


def test_short_answers_wait_for_a_person(employee, demo):
    quiz = make_quiz([single(), short_answer()], pass_percent=75)
    attempt = _take(quiz, employee, {0: 1, 1: "理解您的顾虑，我们先看方案。"})
    assert attempt.state == "grading" and attempt.score is None
    row = attempt.questions[1]
    trainer = person("trainer")
    with pytest.raises(DomainError):
        grading.grade_by_hand(row, trainer, 5, "", [], T0)  # worth 1 point
    grading.grade_by_hand(row, trainer, 0.5, "要点一到位", [True, False], T0)
    db.session.commit()
    assert attempt.state == "finished" and attempt.score == 1.5
    assert attempt.percent == 75.0 and attempt.passed
    assert row.grader_comment == "要点一到位" and row.rubric_marks == [True, False]


def test_review_options(employee):
    never = make_quiz([single()], review="never")
    after = make_quiz([single()], review="after_close", closes_at=T0 + timedelta(days=1))
    a = _take(never, employee, {0: 1})
    b = _take(after, employee, {0: 1})
    assert not grading.review_allowed(a, T0 + timedelta(days=9))
    assert not grading.review_allowed(b, T0 + timedelta(hours=1))
    assert grading.review_allowed(b, T0 + timedelta(days=2))


def test_shuffled_options_keep_answers_on_the_right_option(employee):
    quiz = make_quiz([single(), matching(), ordering()], shuffle_options=True)
    attempt = attempts.start(quiz, employee, T0, rng=random.Random(4))
    order = attempt.questions[0].layout["order"]
    assert sorted(order) == [0, 1, 2]
    assert attempt.questions[2].layout["start"] != [0, 1, 2]
    attempts.save_answer(attempt, 0, 1, T0)
    attempts.save_answer(attempt, 1, {"0": "0", "1": "1"}, T0)
    attempts.save_answer(attempt, 2, [0, 1, 2], T0)
    attempts.submit(attempt, T0)
    assert attempt.percent == 100.0


def test_draw_rules_pick_distinct_questions_and_refuse_a_short_bank(employee):
    quiz = make_quiz([single(stem=f"第{i}题") for i in range(5)], draw=3)
    attempt = attempts.start(quiz, employee, T0)
    stems = {q.version.data["stem"] for q in attempt.questions}
    assert len(stems) == 3
    quiz.draw_rules[0].count = 9
    db.session.rollback()
    other = make_quiz([single()], draw=2)
    with pytest.raises(DomainError):
        attempts.start(other, employee, T0)


def test_nobody_else_can_load_an_attempt(employee):
    quiz = make_quiz([single()])
    attempt = attempts.start(quiz, employee, T0)
    db.session.commit()
    with pytest.raises(NotFound):
        attempts.load_attempt(attempt.id, person("supervisor"))
    assert db.session.scalar(select(func.count()).select_from(AttemptQuestion)) == 1
