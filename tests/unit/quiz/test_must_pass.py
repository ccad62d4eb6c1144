"""Must-pass questions (必过题): a learner who does not get one fully right fails the exam
whatever the total; the rule comes from the quiz item (web or quiz file) and is pinned to
the attempt when it starts."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Quiz
from app.services.content.sync import sync_content
from app.services.quiz import attempts, authoring, grading
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, multiple, single, true_false

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def employee(demo):
    return person("employee")


def _must_pass_quiz(*flags: bool, **settings) -> Quiz:
    quiz = make_quiz([single(stem=f"第{i + 1}题") for i in range(len(flags))], **settings)
    for item, flag in zip(quiz.items, flags, strict=True):
        item.must_pass = flag
    db.session.commit()
    return quiz


def _take(quiz, user, answers: list[int], now=T0):
    attempt = attempts.start(quiz, user, now)
    for position, raw in enumerate(answers):
        attempts.save_answer(attempt, position, raw, now)
    attempts.submit(attempt, now + timedelta(minutes=1))
    db.session.commit()
    return attempt


def test_a_wrong_must_pass_answer_fails_the_exam_whatever_the_total(employee):
    quiz = _must_pass_quiz(False, False, False, False, True, pass_percent=60)
    attempt = _take(quiz, employee, [1, 1, 1, 1, 0])
    assert attempt.percent == 80.0
    assert attempt.passed is False
    assert [row.rank for row in grading.failed_must_pass(attempt)] == [4]


def test_right_must_pass_answers_and_enough_points_pass(employee):
    quiz = _must_pass_quiz(True, False, False, pass_percent=60)
    attempt = _take(quiz, employee, [1, 1, 0])
    assert attempt.passed is True and grading.failed_must_pass(attempt) == []


def test_a_half_right_must_pass_multiple_choice_is_not_enough(employee):
    quiz = make_quiz([multiple(), true_false()], pass_percent=10)
    quiz.items[0].must_pass = True
    db.session.commit()
    attempt = attempts.start(quiz, employee, T0)
    attempts.save_answer(attempt, 0, [0], T0)  # one of the two right options
    attempts.save_answer(attempt, 1, False, T0)
    attempts.submit(attempt, T0)
    db.session.commit()
    assert attempt.percent == 75.0 and attempt.passed is False


def test_an_attempt_keeps_the_rule_it_started_with(employee):
    quiz = _must_pass_quiz(True, False)
    attempt = attempts.start(quiz, employee, T0)
    authoring.set_item_rules(quiz.items[0], None, False)
    db.session.commit()
    attempts.save_answer(attempt, 0, 0, T0)
    attempts.save_answer(attempt, 1, 1, T0)
    attempts.submit(attempt, T0)
    db.session.commit()
    assert attempt.questions[0].must_pass is True
    assert attempt.percent == 50.0 and attempt.passed is False


def test_the_quiz_result_needs_an_attempt_that_cleared_every_must_pass_item(employee):
    quiz = _must_pass_quiz(True, False, False, False, grading_method="highest")
    _take(quiz, employee, [0, 1, 1, 1])  # 75 %, must-pass wrong
    result = grading.quiz_result(quiz, attempts.attempts_of(quiz, employee))
    assert (result.percent, result.passed) == (75.0, False)
    _take(quiz, employee, [1, 1, 1, 0], now=T0 + timedelta(hours=1))  # 75 %, all clear
    result = grading.quiz_result(quiz, attempts.attempts_of(quiz, employee))
    assert (result.percent, result.passed) == (75.0, True)


def test_the_last_attempt_counts_with_its_must_pass_items(employee):
    quiz = _must_pass_quiz(True, False, grading_method="last", pass_percent=50)
    _take(quiz, employee, [1, 1])
    _take(quiz, employee, [0, 1], now=T0 + timedelta(hours=1))
    result = grading.quiz_result(quiz, attempts.attempts_of(quiz, employee))
    assert (result.percent, result.passed) == (50.0, False)


@pytest.fixture
def content(tmp_path):
    shutil.copytree(ROOT / "courses" / "tag-system", tmp_path / "courses" / "tag-system")
    (tmp_path / "sop").mkdir()
    return tmp_path


def _sync(root: Path):
    report = sync_content(root, root / "courses", root / "sop", dry_run=False)
    (db.session.rollback if report.errors else db.session.commit)()
    return report


def _first_question_must_pass(path: Path, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, first, *rest = text.split("[[questions]]")
    first = "\nmust_pass = " + value + first
    path.write_text("[[questions]]".join([head, first, *rest]), encoding="utf-8")


def test_a_quiz_file_marks_a_question_must_pass_and_unmarking_clears_it(app, demo, content):
    path = content / "courses" / "tag-system" / "quiz.toml"
    original = path.read_text(encoding="utf-8")
    _first_question_must_pass(path, "true")
    assert _sync(content).errors == []
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "course-tag-system"))
    assert [item.must_pass for item in quiz.items][:2] == [True, False]
    path.write_text(original, encoding="utf-8")
    report = _sync(content)
    assert report.quizzes.updated == 1
    db.session.refresh(quiz)
    assert not any(item.must_pass for item in quiz.items)


def test_a_must_pass_that_is_not_true_or_false_names_its_line(app, demo, content):
    path = content / "courses" / "tag-system" / "quiz.toml"
    _first_question_must_pass(path, '"yes"')
    report = _sync(content)
    assert report.errors and report.errors[0].file == "courses/tag-system/quiz.toml"
    line = path.read_text(encoding="utf-8").splitlines()[report.errors[0].line - 1]
    assert line.startswith("must_pass")


@pytest.mark.parametrize("method", ["highest", "last", "first", "average"])
def test_an_assignment_is_not_completed_by_a_high_score_that_failed_a_must_pass_item(
        employee, method):
    from app.models.assignments import Assignment
    from app.services.assign.assignments import AssignmentData, create_assignment
    from app.services.assign.status import status_query

    quiz = _must_pass_quiz(True, False, False, False, False, grading_method=method,
                           max_attempts=1)
    data = AssignmentData(kind="quiz", item_id=quiz.id, user_ids=[employee.id])
    data.starts_at = T0 - timedelta(days=1)
    assignment = create_assignment(person("admin"), data, T0)
    db.session.commit()
    _take(quiz, employee, [0, 1, 1, 1, 1])  # 80 %, the must-pass question wrong
    rows = db.session.execute(status_query(T0 + timedelta(hours=1),
                                           Assignment.id == assignment.id)).all()
    assert [row.status for row in rows] == ["failed"]


@pytest.mark.parametrize("method", ["highest", "last", "first", "average"])
@pytest.mark.parametrize("scores", [([1, 1], [0, 0]), ([0, 0], [1, 1]), ([1, 0], [0, 1])])
def test_the_assignment_status_follows_the_quizs_own_result_for_each_grading_method(
        employee, method, scores):
    """The team reports' status (one statement over every attempt) and the quiz's result
    page (grading.quiz_result) agree for each way a quiz counts its attempts."""
    from app.models.assignments import Assignment
    from app.services.assign.assignments import AssignmentData, create_assignment
    from app.services.assign.status import status_query

    quiz = _must_pass_quiz(False, False, grading_method=method, pass_percent=60,
                           max_attempts=3)
    data = AssignmentData(kind="quiz", item_id=quiz.id, user_ids=[employee.id])
    data.starts_at = T0 - timedelta(days=1)
    assignment = create_assignment(person("admin"), data, T0)
    db.session.commit()
    for hour, answers in enumerate(scores):
        _take(quiz, employee, answers, now=T0 + timedelta(hours=hour))
    result = grading.quiz_result(quiz, attempts.attempts_of(quiz, employee))
    rows = db.session.execute(status_query(T0 + timedelta(hours=5),
                                           Assignment.id == assignment.id)).all()
    assert [row.status for row in rows] == ["completed" if result.passed else "in_progress"]
