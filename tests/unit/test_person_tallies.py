"""The dashboard's per-person question tallies (quiz_question_person_tallies): after every event
that finishes or regrades an attempt — 交卷 graded by the machine, a short answer waiting then
graded by hand, a regrade, a second attempt, a practice-mode attempt, a deadline, people
outside the viewer's scope — the table equals the one recomputed from the attempts, and the
team's weakest questions added up from it equal the ones the answers give (the statement the
dashboard ran before the table, kept here as the definition). `flask analytics rebuild
--check` agrees, notices a tampered table, and the rebuild restores it."""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, event, func, insert, select, update

from app.extensions import db
from app.models import AttemptQuestion, PersonQuestionTally, QuizAttempt, User
from app.models.attempts import FINISHED
from app.services.analytics import person_tallies
from app.services.quiz import attempts, grading
from app.services.reports import dashboard
from app.services.reports.filters import Filters, make_view, people_in_view
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, multiple, short_answer, single, true_false
from tests.races import race

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _view(login: str = "supervisor"):
    return make_view(person(login), Filters(), T0 + timedelta(days=1))


def _reference(view, quiz_ids: list[int]) -> list[tuple]:
    """The weakest questions as the dashboard computed them before the tallies: every graded
    answer of every finished attempt of the people in view, averaged per question."""
    answers = (select(AttemptQuestion.question_id, func.avg(AttemptQuestion.fraction),
                      func.count())
               .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
               .where(QuizAttempt.state == FINISHED, QuizAttempt.quiz_id.in_(quiz_ids),
                      QuizAttempt.user_id.in_(people_in_view(view)),
                      AttemptQuestion.fraction.is_not(None))
               .group_by(AttemptQuestion.question_id)
               .having(func.count() >= dashboard.WEAKEST_MIN_ANSWERS))
    rows = [(qid, float(mean), n) for qid, mean, n in db.session.execute(answers)]
    return sorted(rows, key=lambda row: (row[1], row[0]))[:dashboard.WEAKEST_LIMIT]


def _weakest(quiz_ids: list[int], login: str = "supervisor") -> list[tuple]:
    """The dashboard's weakest questions, after checking the tallies are the recomputed ones
    and the figures those of the answers."""
    db.session.flush()
    assert person_tallies.differences() == (set(), set())
    view = _view(login)
    found = [(q.question_id, q.mean, q.answers)
             for q in dashboard.weakest_questions(view, quiz_ids)]
    expected = _reference(view, quiz_ids)
    assert [(qid, n) for qid, _mean, n in found] == [(qid, n) for qid, _mean, n in expected]
    for (_q, mine, _n), (_r, theirs, _m) in zip(found, expected, strict=True):
        assert math.isclose(mine, theirs, rel_tol=1e-12), (found, expected)
    return found


def _take(quiz, login: str, answers: list, at: datetime):
    attempt = attempts.start(quiz, person(login), at)
    for position, raw in enumerate(answers):
        attempts.save_answer(attempt, position, raw, at)
    attempts.submit(attempt, at + timedelta(minutes=5))
    db.session.flush()
    return attempt


def _questions(quiz) -> list[int]:
    return [item.question_id for item in quiz.items]


def test_the_weakest_questions_follow_every_event(demo):
    quiz = make_quiz([single(right=1), true_false(), short_answer(), multiple()],
                     pass_percent=60, mode="exam", max_attempts=3)
    practice = make_quiz([single(right=1), true_false()], mode="practice")
    trainer = person("trainer")
    ids = [quiz.id, practice.id]
    single_id, tf_id, short_id, multiple_id = _questions(quiz)
    assert _weakest(ids) == []
    taken = {login: _take(quiz, login, answers, T0) for login, answers in (
        ("10007", ["1", "错", "先冰敷。", ["0"]]), ("10008", ["0", "对", "冰敷", ["0", "2"]]),
        ("10009", ["1", "对", "再防晒。", None]),
        ("10012", ["0", "对", "热敷", ["1"]]))}  # 10012: outside the supervisor's scope
    assert {a.state for a in taken.values()} == {"grading"}  # the short answers wait
    assert _weakest(ids) == [] and person_tallies.differences() == (set(), set())
    for login, points in (("10007", 0.3), ("10008", 0.0), ("10012", 1.0)):
        grading.grade_by_hand(taken[login].questions[2], trainer, points, "", [], T0)
        assert taken[login].state == FINISHED
    assert _weakest(ids) == []  # two finished attempts in scope: fewer than 3 answers
    grading.grade_by_hand(taken["10009"].questions[2], trainer, 0.6, "", [], T0)
    found = _weakest(ids)
    assert {row[0]: row[2] for row in found} == {single_id: 3, tf_id: 3, short_id: 3,
                                                 multiple_id: 3}
    second = _take(quiz, "10008", ["1", "错", "冰敷", ["0", "2"]], T0 + timedelta(hours=1))
    grading.grade_by_hand(second.questions[2], trainer, 0.7, "", [], T0)
    assert {row[2] for row in _weakest(ids)} == {4}  # a second attempt counts too
    waiting = taken["10007"]
    grading.grade_by_hand(waiting.questions[2], trainer, 0.9, "改分", [], T0)  # regrades
    grading.grade_by_hand(waiting.questions[2], trainer, 0.9, "再看一遍", [], T0)  # same grade
    grading.grade_by_hand(second.questions[2], trainer, 0.1, "", [], T0)
    found = _weakest(ids)
    short = next(row for row in found if row[0] == short_id)
    assert short[2] == 4 and short[1] == pytest.approx((0.9 + 0.0 + 0.6 + 0.1) / 4)
    for login in ("10007", "10009", "employee"):  # practice attempts count too, as before
        _take(practice, login, ["0", "对"], T0)
    found = _weakest(ids)
    assert {row[0] for row in found} >= set(_questions(practice))
    assert _weakest(ids, "admin") != found  # 10012 is in the administrator's view
    assert _weakest([practice.id]) == [row for row in found
                                       if row[0] in _questions(practice)]


def test_a_deadline_hands_in_and_counts_the_attempt(demo):
    quiz = make_quiz([single(right=1), true_false()], mode="exam", time_limit_minutes=10)
    for login in ("10007", "10008", "10009"):
        late = attempts.start(quiz, person(login), T0)
        attempts.save_answer(late, 0, "1", T0)
    attempts.expire_overdue_attempts(T0 + timedelta(hours=1))
    found = _weakest([quiz.id])
    assert [(row[1], row[2]) for row in found] == [(0.0, 3), (1.0, 3)]  # blank t/f: wrong


def _tally_statements(call) -> int:
    """How many statements naming the tallies `call` runs (flushed)."""
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        call()
        db.session.flush()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return sum(1 for statement in seen if "quiz_question_person_tallies" in statement)


def test_finishing_and_regrading_write_one_statement(demo):
    quiz = make_quiz([single(right=1), short_answer()], mode="exam", max_attempts=2)
    attempt = _take(quiz, "10007", ["1", "先冰敷。"], T0)
    trainer = person("trainer")
    db.session.commit()
    tallies_written = _tally_statements
    # the last short answer graded: the attempt's answers added by one INSERT … SELECT
    assert tallies_written(lambda: grading.grade_by_hand(
        attempt.questions[1], trainer, 0.5, "", [], T0)) == 1
    assert tallies_written(lambda: grading.grade_by_hand(
        attempt.questions[1], trainer, 0.25, "", [], T0)) == 1  # a regrade: the difference
    assert tallies_written(lambda: grading.grade_by_hand(
        attempt.questions[1], trainer, 0.25, "同分", [], T0)) == 0  # nothing changed
    assert person_tallies.differences() == (set(), set())
    rows = db.session.execute(select(PersonQuestionTally.question_id,
                                     PersonQuestionTally.answers,
                                     PersonQuestionTally.fraction_sum)
                              .order_by(PersonQuestionTally.question_id)).all()
    assert [tuple(row) for row in rows] == [(q, 1, f) for q, f in zip(_questions(quiz),
                                                                      (1.0, 0.25), strict=True)]


def test_two_attempts_of_one_person_finished_at_once_are_both_counted(app, demo):
    """A trainer grades the last short answer of attempt 1 while the person hands in attempt
    2, on two connections: both add to the same rows (INSERT … ON CONFLICT DO UPDATE adds to
    the row as committed), neither count is lost."""
    quiz = make_quiz([single(right=1), short_answer()], mode="exam", max_attempts=2)
    first = _take(quiz, "10007", ["1", "先冰敷。"], T0)
    second = attempts.start(quiz, person("10007"), T0 + timedelta(hours=1))
    attempts.save_answer(second, 0, "0", T0)
    db.session.commit()
    first_answer, second_id = first.questions[1].id, second.id
    user_id, trainer_id = person("10007").id, person("trainer").id
    barrier = threading.Barrier(2)  # both have read what they decide on

    def grade() -> None:
        row = db.session.get(AttemptQuestion, first_answer)
        barrier.wait(timeout=10)
        grading.grade_by_hand(row, db.session.get(User, trainer_id), 0.5, "", [], T0)
        db.session.commit()

    def hand_in() -> None:
        mine = attempts.load_attempt(second_id, db.session.get(User, user_id))
        barrier.wait(timeout=10)
        attempts.submit(mine, T0 + timedelta(hours=2))
        db.session.commit()

    race(app, grade, hand_in, barrier=threading.Barrier(1))
    db.session.expire_all()
    assert [db.session.get(QuizAttempt, i).state for i in (first.id, second_id)] == [
        FINISHED, FINISHED]  # the second's blank short answer is graded 0 at once
    assert person_tallies.differences() == (set(), set())
    assert db.session.scalar(select(func.sum(PersonQuestionTally.answers))) == 4


def test_check_reports_a_tampered_table_and_rebuild_restores_it(demo, app):
    quiz = make_quiz([single(right=1), true_false()], mode="exam", max_attempts=2)
    for login, answers in (("10007", ["1", "错"]), ("10008", ["0", "错"]),
                           ("10009", ["1", "对"])):
        _take(quiz, login, answers, T0)
    _take(quiz, "10007", ["0", "对"], T0 + timedelta(hours=1))
    db.session.commit()
    expected = _weakest([quiz.id])
    runner = app.test_cli_runner()
    assert runner.invoke(args=["analytics", "rebuild", "--check"]).exit_code == 0
    single_id, tf_id = _questions(quiz)
    ours = PersonQuestionTally
    for tamper in (
            update(ours).where(ours.question_id == single_id).values(
                fraction_sum=ours.fraction_sum + 0.001),
            update(ours).where(ours.question_id == tf_id).values(answers=ours.answers + 1),
            delete(ours).where(ours.user_id == person("10009").id),
            insert(ours).values(quiz_id=quiz.id, user_id=person("employee").id,
                                question_id=tf_id, answers=1, fraction_sum=0.0)):
        db.session.execute(tamper)
        db.session.commit()
        extra, missing = person_tallies.differences()
        assert extra or missing
        checked = runner.invoke(args=["analytics", "rebuild", "--check"])
        assert checked.exit_code == 1
        assert checked.output.splitlines()[-1] == (
            f"每人每题汇总表：{len(extra)} 行与答题记录不符，缺少 {len(missing)} 行。")
        rebuilt = runner.invoke(args=["analytics", "rebuild"])
        assert rebuilt.exit_code == 0, rebuilt.output
        db.session.expire_all()
        assert runner.invoke(args=["analytics", "rebuild", "--check"]).exit_code == 0
        assert _weakest([quiz.id]) == expected
