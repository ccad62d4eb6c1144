"""`content sync` loads the curriculum's quizzes: course quiz.toml and SOP [[questions]]
become published quizzes with banks; edits make new question versions; errors name the
file and line and write nothing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Question, QuestionVersion, Quiz, QuizItem
from app.services.content.sync import sync_content
from app.services.quiz import attempts
from tests.learning_factories import person

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _sync(root: Path):
    report = sync_content(root, root / "courses", root / "sop", dry_run=False)
    if report.errors:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def content(tmp_path):
    shutil.copytree(ROOT / "courses" / "tag-system", tmp_path / "courses" / "tag-system")
    (tmp_path / "sop").mkdir()
    shutil.copy(ROOT / "sop" / "referral-invitation.toml", tmp_path / "sop")
    return tmp_path


def _quiz(slug: str) -> Quiz:
    return db.session.scalar(select(Quiz).where(Quiz.slug == slug))


def test_every_shipped_quiz_is_loaded_and_attached(app, demo):
    report = _sync(ROOT)
    assert report.errors == []
    quizzes = list(db.session.scalars(select(Quiz)))
    courses = sorted(p.parent.name for p in (ROOT / "courses").glob("*/quiz.toml"))
    assert sorted(q.slug for q in quizzes if q.course_id) == [f"course-{c}" for c in courses]
    assert len([q for q in quizzes if q.sop_module_id]) == len(list((ROOT / "sop").glob("*")))
    assert all(q.published and q.items for q in quizzes)
    quiz = _quiz("course-tag-system")
    assert quiz.course.slug == "tag-system" and quiz.pass_percent == 60
    again = _sync(ROOT)
    assert again.quizzes.unchanged == len(quizzes) and again.quizzes.created == 0


def test_an_edited_question_gets_a_new_version_and_old_attempts_keep_theirs(app, demo,
                                                                            content):
    _sync(content)
    quiz = _quiz("course-tag-system")
    employee = person("employee")
    attempt = attempts.start(quiz, employee, T0)
    attempts.submit(attempt, T0)
    db.session.commit()
    asked = {row.question_id: row.version.data["stem"] for row in attempt.questions}
    path = content / "courses" / "tag-system" / "quiz.toml"
    text = path.read_text(encoding="utf-8")
    first_stem = text.split('stem = "', 1)[1].split('"', 1)[0]
    path.write_text(text.replace(first_stem, "改写后的第一题题干", 1), encoding="utf-8")
    report = _sync(content)
    assert report.quizzes.updated == 1
    first = db.session.scalar(select(Question).where(Question.source_key ==
                                                     "course-tag-system#q1"))
    assert first.current_version == 2
    assert _count(QuestionVersion) == _count(Question) + 1
    db.session.refresh(attempt)
    assert {r.question_id: r.version.data["stem"] for r in attempt.questions} == asked


def test_a_removed_question_is_archived_not_deleted(app, demo, content):
    _sync(content)
    path = content / "sop" / "referral-invitation.toml"
    text = path.read_text(encoding="utf-8")
    head, *tables = text.split("[[questions]]")
    path.write_text("[[questions]]".join([head, *tables[:-1]]), encoding="utf-8")
    _sync(content)
    quiz = _quiz("sop-referral-invitation")
    assert len(quiz.items) == len(tables) - 1
    archived = db.session.scalars(select(Question).where(Question.archived.is_(True))).all()
    assert [q.source_key for q in archived] == [f"sop-referral-invitation#q{len(tables)}"]


@pytest.mark.parametrize("bad,message", [
    ('answer = [1]', "对"),  # true_false wants true or false
    ('answer = [9]', "0"),
    ('colour = "red"', "colour"),
])
def test_a_bad_question_names_file_and_line_and_writes_nothing(app, demo, content, bad,
                                                                message):
    path = content / "courses" / "tag-system" / "quiz.toml"
    text = path.read_text(encoding="utf-8")
    text += '\n[[questions]]\ntype = "true_false"\nstem = "新题"\n' if bad != 'answer = [9]' \
        else '\n[[questions]]\ntype = "single_choice"\nstem = "新题"\noptions = ["a", "b"]\n'
    text += bad + "\n"
    path.write_text(text, encoding="utf-8")
    bad_line = len(text.splitlines())
    report = _sync(content)
    assert report.errors, "the bad question was accepted"
    error = report.errors[0]
    assert error.file == "courses/tag-system/quiz.toml"
    assert error.line == bad_line and message in error.message
    assert _count(Quiz) == 0 and _count(Question) == 0


def test_bad_quiz_settings_are_refused(app, demo, content):
    path = content / "courses" / "tag-system" / "quiz.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "pass_percent = 60", "pass_percent = 160"), encoding="utf-8")
    report = _sync(content)
    assert report.errors and "100" in report.errors[0].message
    assert _count(QuizItem) == 0


def test_an_sop_file_can_set_its_quiz(app, demo, content):
    path = content / "sop" / "referral-invitation.toml"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("[[steps]]", 1)
    path.write_text(head + '[quiz]\nmode = "practice"\ntitle = "老带新练习"\n\n[[steps]]' + rest,
                    encoding="utf-8")
    assert _sync(content).errors == []
    quiz = _quiz("sop-referral-invitation")
    assert (quiz.mode, quiz.title) == ("practice", "老带新练习")


def test_a_question_names_its_step_and_a_wrong_step_names_the_line(app, demo, content):
    path = content / "sop" / "referral-invitation.toml"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("[[questions]]\n", 1)
    path.write_text(head + '[[questions]]\nstep = "s9"\n' + rest, encoding="utf-8")
    report = _sync(content)
    [error] = report.errors
    assert error.file == "sop/referral-invitation.toml"
    assert error.line == len(head.splitlines()) + 2 and "s1" in error.message
    assert _count(QuizItem) == 0
    path.write_text(head + '[[questions]]\nstep = "s2"\n' + rest, encoding="utf-8")
    assert _sync(content).errors == []
    assert [item.step_key for item in _quiz("sop-referral-invitation").items][:2] == ["s2", None]
