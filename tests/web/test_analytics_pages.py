"""Trainer analytics pages: they render the fixture's figures, every table downloads as .xlsx
and CSV with the filters applied, only trainers and admins get in, and the number of SQL
statements does not grow with the number of takers, learners or runs."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import CourseVersion, LessonProgress, PracticeRun, SopVersion
from app.models.practice import RunReview, RunStepComment, RunSubmission
from tests.analytics_factories import (
    DAY1,
    bulk_takers,
    course_fixture,
    exam_fixture,
    org,
    people,
    sop_fixture,
)
from tests.quiz_factories import make_quiz, multiple, single, true_false


def _xlsx_rows(response) -> list[list]:
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture
def trainer(client, auth, demo):
    auth.as_role("trainer")
    return client


def test_quiz_page_shows_distribution_flags_and_options(trainer):
    exam = exam_fixture()
    page = trainer.get(f"/manage/analytics/quizzes/{exam.quiz.id}")
    assert page.status_code == 200
    text = page.text
    assert 'data-chart="bar"' in text and text.count('data-testid="item-row"') == 4
    assert 'data-flag="hard"' in text and 'data-flag="easy"' in text
    assert "暂不回复" in text and "先认同感受，再问预算和顾虑" in text
    west = trainer.get(f"/manage/analytics/quizzes/{exam.quiz.id}?department={exam.west.id}")
    assert 'data-testid="too-few"' in west.text and 'data-flag=' not in west.text


def test_quiz_downloads_with_filters(trainer):
    exam = exam_fixture()
    base = f"/manage/analytics/quizzes/{exam.quiz.id}/export"
    items = _xlsx_rows(trainer.get(f"{base}?table=items&format=xlsx"))
    assert items[0][1] == "题目"  # Chinese headers by default
    assert [row[5] for row in items[1:]] == [0.545, 0.455, 0.182, 1.0]  # facility
    takers = _csv_rows(trainer.get(f"{base}?table=takers&format=csv&department={exam.west.id}"))
    assert len(takers) == 1 + 5  # header + T7–T11 only
    options = _csv_rows(trainer.get(f"{base}?table=options&format=csv"))
    assert any(row[2] == "暂不回复" and row[4] == "2" for row in options)
    scores = _xlsx_rows(trainer.get(f"{base}?table=scores&format=xlsx&from=2026-03-02"))
    assert sum(row[1] for row in scores[1:]) == 6  # handed in on 2 March, China time
    response = trainer.get(f"{base}?table=items&format=xlsx")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert trainer.get(f"{base}?table=items&format=pdf").status_code == 400
    assert trainer.get(f"{base}?table=nope&format=csv").status_code == 404


def test_course_and_sop_pages_and_downloads(trainer):
    course, east, _west = course_fixture()
    page = trainer.get(f"/manage/analytics/courses/{course.id}")
    assert page.status_code == 200 and page.text.count('data-testid="lesson-row"') == 3
    lessons = _xlsx_rows(trainer.get(
        f"/manage/analytics/courses/{course.id}/export?format=xlsx&department={east.id}"))
    # the east department (L1–L4): k1 reached 4, completed 3, dropped 1 (L3)
    assert lessons[1][3:] == [4, 3, 1]
    module = sop_fixture()
    page = trainer.get(f"/manage/analytics/sop/{module.id}")
    assert page.status_code == 200 and "66.7%" in page.text
    steps = _csv_rows(trainer.get(f"/manage/analytics/sop/{module.id}/export?table=steps"
                                  "&format=csv"))
    assert steps[1:] == [["第2步", "2", "2"], ["第3步", "1", "1"], ["第1步", "0", "0"]]
    runs = _xlsx_rows(trainer.get(f"/manage/analytics/sop/{module.id}/export?table=runs"
                                  "&format=xlsx"))
    assert len(runs) == 1 + 5


def test_index_lists_everything_with_downloads(trainer):
    exam_fixture()
    page = trainer.get("/manage/analytics")
    assert page.status_code == 200 and "分析考试" in page.text
    for table in ("courses", "quizzes", "sops"):
        rows = _csv_rows(trainer.get(f"/manage/analytics/export?table={table}&format=csv"))
        assert len(rows) >= 1
    quizzes = _xlsx_rows(trainer.get("/manage/analytics/export?table=quizzes&format=xlsx"))
    assert ["分析考试", "考试", 11, 54.5, 36.4] in [row[:5] for row in quizzes]
    desk = trainer.get("/manage/")
    assert 'data-testid="analytics-link"' in desk.text


@pytest.mark.parametrize("role", ["employee", "supervisor"])
def test_employees_and_supervisors_are_refused(client, auth, demo, role):
    exam = exam_fixture()
    auth.as_role(role)
    for url in ("/manage/analytics", f"/manage/analytics/quizzes/{exam.quiz.id}",
                f"/manage/analytics/quizzes/{exam.quiz.id}/export?format=csv"):
        assert client.get(url).status_code == 403


# ---- statements do not grow with the data ----------------------------------------------------

def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        assert client.get(url).status_code == 200
    return counted()


def test_quiz_page_statements_do_not_grow(trainer, count_statements):
    quiz = make_quiz([single(), multiple(), true_false(), single()], slug="count-exam")
    bulk_takers(quiz, 5, "c5")
    urls = [f"/manage/analytics/quizzes/{quiz.id}", "/manage/analytics",
            f"/manage/analytics/quizzes/{quiz.id}/export?table=options&format=csv"]
    few = [_statements(trainer, count_statements, url) for url in urls]
    bulk_takers(quiz, 45, "c45")
    many = [_statements(trainer, count_statements, url) for url in urls]
    assert few == many, (few, many)


def _learners(course, count: int, prefix: str) -> None:
    east, _west, _team = org(prefix)
    version_id = db.session.scalar(db.select(CourseVersion.id).where(
        CourseVersion.course_id == course.id))
    for user in people(count, east, prefix):
        for key in ("k1", "k2"):
            db.session.add(LessonProgress(user_id=user.id, course_id=course.id, lesson_key=key,
                                          version_id=version_id, opened_at=DAY1,
                                          completed_at=DAY1))
    db.session.commit()


def _runs(module, count: int, prefix: str) -> None:
    """`count` runs, each returned once (a comment on s2) and then signed off."""
    east, _west, _team = org(prefix)
    version_id = db.session.scalar(db.select(SopVersion.id).where(
        SopVersion.module_id == module.id))
    for user in people(count, east, prefix):
        run = PracticeRun(user_id=user.id, module_id=module.id, version_id=version_id,
                          case_code="CNT", status="signed_off", round=2)
        db.session.add(run)
        db.session.flush()
        for round_, decision in ((1, "returned"), (2, "signed_off")):
            submission = RunSubmission(run_id=run.id, round=round_,
                                       submitted_at=DAY1 + timedelta(hours=round_))
            db.session.add(submission)
            db.session.flush()
            review = RunReview(submission_id=submission.id, run_id=run.id, round=round_,
                               decision=decision, scores={"accuracy": 3})
            if decision == "returned":
                review.comments.append(RunStepComment(step_key="s2", comment="补充"))
            db.session.add(review)
    db.session.commit()


def test_course_and_sop_statements_do_not_grow(trainer, count_statements):
    course, _east, _west = course_fixture()
    module = sop_fixture()
    urls = [f"/manage/analytics/courses/{course.id}", f"/manage/analytics/sop/{module.id}",
            f"/manage/analytics/sop/{module.id}/export?table=runs&format=xlsx"]
    _learners(course, 5, "l5")
    _runs(module, 5, "r5")
    few = [_statements(trainer, count_statements, url) for url in urls]
    _learners(course, 45, "l45")
    _runs(module, 45, "r45")
    many = [_statements(trainer, count_statements, url) for url in urls]
    assert few == many, (few, many)
