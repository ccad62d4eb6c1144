"""axe-core (WCAG 2.0/2.1 A and AA) on the key pages of every role, in Chromium, on the demo a
new clinic sees (`flask demo`: the demo organisation, a shipped course and its quiz, two SOP
modules, 陈主管's assignments and practice runs). A serious or critical violation fails.

axe.min.js is a test-only asset (tests/e2e/axe.py), never served by the app. One browser
context per role, each page visited once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Course, CourseLesson, PracticeRun, QuestionBank, Quiz, User
from app.models.assignments import Assignment
from app.models.base import utcnow
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import DESKTOP, PHONE, demo_app, sign_in, watch_csp

ROOT = Path(__file__).resolve().parents[2]
COURSE, SOPS = "private-domain-basics", ("online-enquiry-to-first-visit",
                                         "night-enquiry-follow-up")
@pytest.fixture(scope="module")
def live_app(make_app, tmp_path_factory):
    """What `flask demo` builds, with one shipped course and the two SOPs the demo uses."""
    from app.services.assign.demo import seed_demo_assignments
    from app.services.content.sync import sync_content
    from app.services.practice.demo import seed_demo_practice

    root = tmp_path_factory.mktemp("content")
    shutil.copytree(ROOT / "courses" / COURSE, root / "courses" / COURSE)
    (root / "sop").mkdir()
    for slug in SOPS:
        shutil.copy(ROOT / "sop" / f"{slug}.toml", root / "sop")
    with demo_app(make_app) as app:
        report = sync_content(root, root / "courses", root / "sop", dry_run=False)
        assert not report.errors, report.errors
        seed_demo_assignments(utcnow())
        seed_demo_practice()
        db.session.commit()
        yield app


def _ids() -> dict[str, object]:
    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == f"course-{COURSE}"))
    employee = db.session.scalar(select(User).where(User.login == "employee"))
    runs = db.session.scalars(select(PracticeRun).where(PracticeRun.user_id == employee.id)
                              .order_by(PracticeRun.id)).all()
    waiting = [run for run in runs if run.status == "submitted"] or runs
    return {"course": course, "quiz": quiz, "run": runs[0], "waiting": waiting[0],
            "assignment": db.session.scalar(select(Assignment).order_by(Assignment.id)),
            "bank": db.session.scalar(select(QuestionBank).order_by(QuestionBank.id)),
            "lesson": db.session.scalar(select(CourseLesson).where(
                CourseLesson.course_id == course.id).order_by(CourseLesson.rank))}


def _check(page: Page, where: str, found: list[str]) -> None:
    for violation in serious_violations(page):
        found.append(f"{where} ({page.url}): {violation}")


def _visit(page: Page, paths: list[tuple[str, str]], found: list[str]) -> None:
    for where, path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{where}: {path} answered " + (
            str(response.status) if response else "nothing")
        _check(page, where, found)


def _employee(page: Page, ids: dict, found: list[str]) -> None:
    course, lesson, quiz = ids["course"], ids["lesson"], ids["quiz"]
    _visit(page, [("我的学习", "/learn/"), ("我的任务", "/learn/tasks"),
                  ("course", f"/learn/courses/{course.slug}"),
                  ("lesson", f"/learn/courses/{course.slug}/{lesson.key}"),
                  ("quiz", f"/learn/quizzes/{quiz.slug}"),
                  ("学习档案 record", "/learn/record"), ("notifications", "/notifications/"),
                  ("实操 practice", "/practice/"),
                  ("practice run", f"/practice/runs/{ids['run'].id}")], found)
    page.goto(f"/learn/quizzes/{quiz.slug}")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("attempt-page")).to_be_visible()
    _check(page, "quiz question", found)
    page.once("dialog", lambda dialog: dialog.accept())  # 交卷 with questions unanswered
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("attempt-result")).to_be_visible()
    _check(page, "quiz result", found)


def _supervisor(page: Page, ids: dict, found: list[str]) -> None:
    _visit(page, [("我的团队", "/team/"), ("team dashboard", "/team/dashboard"),
                  ("assignments", "/team/assignments"),
                  ("assignment follow-up", f"/team/assignments/{ids['assignment'].id}"),
                  ("实操审核 review", "/review/"),
                  ("review a run", f"/review/runs/{ids['waiting'].id}"),
                  ("阅卷 grading", "/grading/"), ("团队成果", "/results/team")], found)


def _trainer(page: Page, ids: dict, found: list[str]) -> None:
    quiz = ids["quiz"]
    _visit(page, [("培训师工作台", "/manage/"),
                  ("manage course", f"/manage/courses/{ids['course'].id}"),
                  ("manage quizzes", "/manage/quizzes"),
                  ("manage quiz", f"/manage/quizzes/{quiz.id}"),
                  ("question bank", f"/manage/banks/{ids['bank'].id}"),
                  ("quiz results", f"/manage/quizzes/{quiz.id}/results")], found)


def _admin(page: Page, ids: dict, found: list[str]) -> None:
    _visit(page, [("系统管理", "/admin/"), ("admin users", "/admin/users"),
                  ("new user", "/admin/users/new"), ("departments", "/admin/departments"),
                  ("points settings", "/points/settings"), ("profile", "/auth/profile")],
           found)


ROLES = {"employee": (PHONE, _employee), "supervisor": (DESKTOP, _supervisor),
         "trainer": (DESKTOP, _trainer), "admin": (DESKTOP, _admin)}


@pytest.mark.parametrize("role", ROLES)
def test_key_pages_have_no_serious_axe_violation(browser, live_server, role):
    device, walk = ROLES[role]
    found: list[str] = []
    page = sign_in(browser, live_server, role, device, init_script=axe_source())
    try:
        walk(page, _ids(), found)
    finally:
        page.context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def test_sign_in_page_has_no_serious_axe_violation(browser, live_server):
    found: list[str] = []
    context = browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    watch_csp(context)
    context.add_init_script(axe_source())
    try:
        page = context.new_page()
        _visit(page, [("登录 sign-in", "/auth/login")], found)
    finally:
        context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
