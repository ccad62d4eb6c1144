"""The quiz analytics' maintained takers (quiz_takers: each person's first finished exam
attempt per quiz) and their answer tallies (quiz_answer_tallies) equal the ones recomputed
from the attempts after every event that finishes or regrades an attempt, and `flask
analytics rebuild` restores them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import QuizAnswerTally, QuizTaker
from app.services.analytics import answer_tallies, taker_rows
from app.services.quiz import attempts, grading
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, short_answer, single

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _exact() -> list[tuple]:
    """The maintained rows, after checking they are the recomputed ones."""
    db.session.flush()
    assert taker_rows.differences() == (set(), set())
    assert answer_tallies.differences() == (set(), set())
    return list(db.session.execute(select(QuizTaker.user_id, QuizTaker.number,
                                          QuizTaker.percent, QuizTaker.passed)))


def _take(quiz, user, answers, at):
    attempt = attempts.start(quiz, user, at)
    for position, raw in enumerate(answers):
        attempts.save_answer(attempt, position, raw, at)
    attempts.submit(attempt, at + timedelta(minutes=5))
    db.session.flush()
    return attempt


def test_a_taker_is_the_first_finished_exam_attempt_after_every_event(demo):
    quiz = make_quiz([single(right=1), short_answer()], pass_percent=60, mode="exam")
    employee, trainer = person("employee"), person("trainer")
    first = _take(quiz, employee, ["0", "先冰敷。"], T0)  # wrong, and waits for a grader
    assert first.state == "grading" and _exact() == []
    second = _take(quiz, employee, ["1", "先冰敷，再防晒。"], T0 + timedelta(hours=1))
    grading.grade_by_hand(second.questions[1], trainer, 1.0, "", [], T0)
    assert _exact() == [(employee.id, 2, 100.0, True)]  # the only one finished
    grading.grade_by_hand(first.questions[1], trainer, 0.5, "", [], T0)  # graded later
    assert _exact() == [(employee.id, 1, 25.0, False)]  # the earlier attempt counts now
    grading.grade_by_hand(first.questions[1], trainer, 1.0, "改分", [], T0)  # a regrade
    assert _exact() == [(employee.id, 1, 50.0, False)]
    _take(quiz, employee, ["1", "再答一次"], T0 + timedelta(hours=2))  # a third: no change
    assert _exact() == [(employee.id, 1, 50.0, False)]


def test_machine_graded_deadline_and_practice_attempts(demo):
    exam = make_quiz([single(right=1)], pass_percent=60, mode="exam", time_limit_minutes=10)
    practice = make_quiz([single(right=1)], mode="practice")
    employee, supervisor = person("employee"), person("supervisor")
    _take(exam, employee, ["1"], T0)
    _take(practice, employee, ["1"], T0)  # practice attempts are not takers
    assert _exact() == [(employee.id, 1, 100.0, True)]
    late = attempts.start(exam, supervisor, T0)
    attempts.save_answer(late, 0, "0", T0)
    attempts.expire_overdue_attempts(T0 + timedelta(hours=1))  # handed in at the deadline
    assert sorted(_exact()) == sorted([(employee.id, 1, 100.0, True),
                                       (supervisor.id, 1, 0.0, False)])


def test_rebuild_restores_the_rows_and_check_reports_differences(demo, app):
    quiz = make_quiz([single(right=1)], pass_percent=60, mode="exam")
    _take(quiz, person("employee"), ["1"], T0)
    _take(quiz, person("supervisor"), ["0"], T0)
    db.session.commit()
    expected = _exact()
    db.session.execute(delete(QuizTaker).where(QuizTaker.user_id == person("employee").id))
    db.session.execute(update(QuizTaker).values(percent=1.0))
    db.session.execute(update(QuizAnswerTally).values(people=QuizAnswerTally.people + 1))
    db.session.commit()
    assert all(answer_tallies.differences())
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["analytics", "rebuild", "--check"])
    assert checked.exit_code == 1 and "1" in checked.output
    rebuilt = runner.invoke(args=["analytics", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    db.session.expire_all()
    assert sorted(_exact()) == sorted(expected)
    assert runner.invoke(args=["analytics", "rebuild", "--check"]).exit_code == 0
