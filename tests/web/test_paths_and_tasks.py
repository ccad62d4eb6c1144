"""Learning paths and 我的任务: the trainer's path builder; what an employee owes, most urgent
first, with due dates in China time and the next thing to do; a path's page with locked
stages; what was assigned opens whatever its audience — but not through a locked stage;
statements per page; hostile text in titles and messages."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CourseVersion, LessonProgress
from app.models.assignments import Assignment, LearningPath, PathStage, PathStageItem
from app.models.base import utcnow
from tests.html_safety import unsafe_parts
from tests.learning_factories import make_course, make_sop, person, position
from tests.path_factories import assign, make_path
from tests.quiz_factories import make_quiz, single


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def _complete_course(login: str, course) -> None:
    version = db.session.scalar(select(CourseVersion).where(
        CourseVersion.course_id == course.id).order_by(CourseVersion.number.desc()))
    for lesson in version.lessons:
        db.session.add(LessonProgress(user_id=person(login).id, course_id=course.id,
                                      lesson_key=lesson.key, version_id=version.id,
                                      completed_at=utcnow()))
    db.session.commit()


# ---- the trainer's path builder ------------------------------------------------------------------

def test_a_trainer_builds_a_path_with_stages_items_and_an_onboarding_position(trainer):
    course = make_course("path-course", title="接诊礼仪")
    quiz = make_quiz([single()], slug="path-quiz", title="接诊测验")
    module = make_sop("path-sop", title="术后回访")
    assert 'href="/manage/paths"' in trainer.get("/manage/").text
    response = trainer.post("/manage/paths/new", data={
        "title": "前台新人 30 天", "description": "第一个月", "mode": "gated"})
    path = db.session.scalar(select(LearningPath))
    assert response.status_code == 302 and path.mode == "gated"
    for title in ("第一关", "第二关", "第三关"):
        trainer.post(f"/manage/paths/{path.id}/stages", data={"title": title})
    one, two, three = db.session.scalars(select(PathStage).order_by(PathStage.rank))
    trainer.post(f"/manage/path-stages/{one.id}/items", data={"item": f"course:{course.id}"})
    trainer.post(f"/manage/path-stages/{one.id}/items", data={"item": f"sop:{module.id}"})
    trainer.post(f"/manage/path-stages/{two.id}/items", data={"item": f"quiz:{quiz.id}"})
    again = trainer.post(f"/manage/path-stages/{two.id}/items",
                         data={"item": f"course:{course.id}"}, follow_redirects=True)
    assert "已经在" in again.text or "already" in again.text  # once per path
    assert db.session.scalar(select(db.func.count(PathStageItem.id))) == 3
    sop_item = db.session.scalar(select(PathStageItem).where(PathStageItem.kind == "sop"))
    trainer.post(f"/manage/path-items/{sop_item.id}/move", data={"direction": "up"})
    trainer.post(f"/manage/path-stages/{two.id}/move", data={"direction": "up"})
    trainer.post(f"/manage/path-stages/{three.id}/edit", data={"title": "终极关"})
    trainer.post(f"/manage/path-stages/{three.id}/delete", data={"confirm": "yes"})
    db.session.expire_all()
    assert [s.title for s in path.stages] == ["第二关", "第一关"]
    assert [i.kind for i in path.stages[1].items] == ["sop", "course"]
    front = position("前台")
    trainer.post(f"/manage/paths/{path.id}/onboarding",
                 data={"position_id": front.id, "due_days": 30})
    page = trainer.get(f"/manage/paths/{path.id}").text
    assert page.count('data-testid="stage"') == 2 and "接诊测验" in page and "术后回访" in page
    assert re.search(r'data-testid="onboarding-position"><span class="item-title">前台<', page)
    listing = trainer.get("/manage/paths").text
    assert "前台新人 30 天" in listing and "前台" in listing
    onboarding = db.session.scalar(select(Assignment).where(Assignment.origin == "onboarding"))
    assert (onboarding.path_id, onboarding.due_days) == (path.id, 30)
    trainer.post(f"/manage/path-items/{sop_item.id}/delete", data={"confirm": "yes"})
    trainer.post(f"/manage/paths/{path.id}/onboarding/{front.id}/stop", data={"confirm": "yes"})
    db.session.expire_all()
    assert onboarding.cancelled_at is not None
    assert db.session.scalar(select(db.func.count(PathStageItem.id))) == 2


def test_the_builder_refuses_bad_input_with_a_message(trainer):
    assert trainer.post("/manage/paths/new", data={"title": "", "mode": "free"}).status_code == 200
    assert trainer.post("/manage/paths/new", data={"title": "x", "mode": "nope"}).status_code == 200
    assert db.session.scalar(select(LearningPath)) is None
    path = make_path([("第一关", [])], mode="dated")
    stage = path.stages[0]
    draft = make_course("draft", publish=False)
    for choice in ("", "course", "course:abc", f"course:{draft.id}", "course:99999999999",
                   "path:1", "course:１"):
        response = trainer.post(f"/manage/path-stages/{stage.id}/items", data={"item": choice})
        assert response.status_code == 302, choice
    assert db.session.scalar(select(PathStageItem)) is None
    trainer.post(f"/manage/path-stages/{stage.id}/edit",
                 data={"title": "第一关", "opens_after_days": 999})
    page = trainer.post(f"/manage/paths/{path.id}/onboarding",
                        data={"position_id": position("前台").id, "due_days": 30},
                        follow_redirects=True).text
    assert db.session.scalar(select(Assignment)) is None and "flash-error" in page
    db.session.expire_all()
    assert stage.opens_after_days == 0


# ---- 我的任务 ------------------------------------------------------------------------------------

def test_tasks_are_ordered_overdue_first_then_by_due_date(employee):
    now = utcnow()
    late = assign(make_course("late", title="逾期课程"), "employee",
                  starts_at=now - timedelta(days=10), due_at=now - timedelta(days=3),
                  message="请尽快完成")
    soon = assign(make_quiz([single()], slug="soon", title="即将截止测验"), "employee",
                  due_at=now + timedelta(days=2), required=False)
    free = assign(make_sop("free", title="随时阅读"), "employee")
    later = assign(make_course("later", title="下月课程"), "employee",
                   due_at=now + timedelta(days=30))
    assign(make_course("future", title="尚未开始"), "employee",
           starts_at=now + timedelta(days=1))
    done_course = make_course("done", title="已学完")
    assign(done_course, "employee")
    _complete_course("employee", done_course)
    assign(make_course("other", title="别人的课"), "10006")
    page = employee.get("/learn/tasks").text
    open_part, _sep, done_part = page.partition('data-testid="done-tasks"')
    order = re.findall(r'id="task-(\d+)"', open_part)
    assert order == [str(late.id), str(soon.id), str(later.id), str(free.id)]
    assert "尚未开始" not in page and "别人的课" not in page
    assert "已学完" in done_part and "<details" in page
    assert "3 days overdue" in page or "已逾期 3 天" in page
    assert "还剩 2 天" in page or "2 days left" in page
    assert "请尽快完成" in page
    assert page.count('data-testid="optional"') == 1
    assert 'href="/learn/quizzes/soon"' in page and 'href="/learn/sop/free"' in page
    home = employee.get("/learn/").text
    assert re.search(r'data-testid="tasks-link".*?data-count="4"', home, re.S)


def test_a_path_task_points_to_the_first_open_unfinished_item(employee):
    first = make_course("p1", title="第一门课")
    second = make_course("p2", title="第二门课")
    quiz = make_quiz([single()], slug="p-quiz", title="闯关测验")
    path = make_path([("第一关", [first, second]), ("第二关", [quiz])], mode="gated",
                     title="客服新人闯关")
    assignment = assign(path, "employee", due_at=utcnow() + timedelta(days=5))
    page = employee.get("/learn/tasks").text
    assert 'href="/learn/courses/p1" data-testid="task-next"' in page
    assert f'href="/learn/paths/{assignment.id}"' in page
    _complete_course("employee", first)
    page = employee.get("/learn/tasks").text
    assert 'href="/learn/courses/p2" data-testid="task-next"' in page
    assert "1 of 3 items" in page or "已完成 1/3 项" in page or "1/3" in page


# ---- a path's page -------------------------------------------------------------------------------

def test_the_path_page_greys_locked_stages_and_links_only_open_items(employee):
    first = make_course("g1", title="第一关课程")
    second = make_course("g2", title="第二关课程", positions=("前台",))
    path = make_path([("入门", [first]), ("进阶", [second])], mode="gated")
    assignment = assign(path, "employee")
    page = employee.get(f"/learn/paths/{assignment.id}").text
    assert page.count('data-locked="true"') == 1
    assert 'href="/learn/courses/g1"' in page and 'href="/learn/courses/g2"' not in page
    assert "入门" in re.search(r'data-testid="locked-reason">(.*?)</p>', page, re.S).group(1)
    _complete_course("employee", first)
    page = employee.get(f"/learn/paths/{assignment.id}").text
    assert 'data-locked="true"' not in page and 'href="/learn/courses/g2"' in page
    assert 'data-done="true"' in page


def test_a_dated_path_says_when_a_stage_opens(employee):
    path = make_path([("第一周", [make_course("d1")]), ("第二周", [make_course("d2")], 7)],
                     mode="dated")
    assignment = assign(path, "employee", starts_at=utcnow() - timedelta(hours=1))
    start = max(assignment.starts_at, person("employee").hire_start)  # 入职日期 counts
    local = (start + timedelta(days=7)).astimezone(ZoneInfo("Asia/Shanghai"))
    page = employee.get(f"/learn/paths/{assignment.id}").text
    reason = re.search(r'data-testid="locked-reason">(.*?)</p>', page, re.S).group(1)
    assert local.strftime("%Y-%m-%d") in reason


def test_a_path_page_is_404_unless_the_user_owes_it(employee):
    path = make_path([("一", [make_course("x1")])])
    theirs = assign(path, "10006")
    not_yet = assign(path, "employee", starts_at=utcnow() + timedelta(days=2))
    course = assign(make_course("x2"), "employee")
    for assignment in (theirs, not_yet, course):
        assert employee.get(f"/learn/paths/{assignment.id}").status_code == 404
    assert employee.get("/learn/paths/99999999").status_code == 404


# ---- access to what was assigned -----------------------------------------------------------------

def test_an_assigned_item_opens_whatever_its_audience(employee):
    course = make_course("front-course", positions=("前台",))
    module = make_sop("front-sop", positions=("前台",))
    assert employee.get("/learn/courses/front-course").status_code == 404
    assert employee.get("/learn/sop/front-sop").status_code == 404
    assign(course, "employee")
    assign(module, "employee")
    assert employee.get("/learn/courses/front-course").status_code == 200
    assert employee.get("/learn/courses/front-course/intro").status_code == 200
    assert employee.get("/learn/sop/front-sop").status_code == 200
    assert employee.post("/learn/sop/front-sop/acknowledge",
                         data={"version": 1}).status_code == 302


def test_an_item_behind_a_locked_stage_stays_locked_even_by_its_address(employee):
    first = make_course("stage-one")
    hidden = make_course("stage-two", positions=("前台",))
    quiz = make_quiz([single()], slug="stage-two-quiz", course_id=hidden.id)
    path = make_path([("第一关", [first]), ("第二关", [hidden, quiz])], mode="gated")
    assign(path, "employee")
    assert employee.get("/learn/courses/stage-two").status_code == 404
    assert employee.get("/learn/courses/stage-two/intro").status_code == 404
    assert employee.get("/learn/quizzes/stage-two-quiz").status_code == 404
    assert employee.post("/learn/quizzes/stage-two-quiz/start").status_code == 404
    _complete_course("employee", first)
    assert employee.get("/learn/courses/stage-two").status_code == 200
    assert employee.get("/learn/quizzes/stage-two-quiz").status_code == 200
    started = employee.post("/learn/quizzes/stage-two-quiz/start")
    assert started.status_code == 302 and "/learn/attempts/" in started.location


def test_a_cancelled_assignment_no_longer_opens_the_item(employee):
    assignment = assign(make_course("cancelled", positions=("前台",)), "employee")
    assert employee.get("/learn/courses/cancelled").status_code == 200
    assignment.cancelled_at = utcnow()
    db.session.commit()
    assert employee.get("/learn/courses/cancelled").status_code == 404


# ---- statements ----------------------------------------------------------------------------------

def _mixed_assignments(count: int, tag: str) -> None:
    """`count` assignments to the employee, a quarter of each kind, some with progress."""
    for n in range(count):
        kind = n % 4
        if kind == 0:
            item = make_course(f"{tag}-c{n}")
        elif kind == 1:
            item = make_quiz([single()], slug=f"{tag}-q{n}")
        elif kind == 2:
            item = make_sop(f"{tag}-s{n}")
        else:
            item = make_path([("一", [make_course(f"{tag}-pc{n}")]),
                              ("二", [make_quiz([single()], slug=f"{tag}-pq{n}")])],
                             mode="gated")
        assign(item, "employee", due_at=utcnow() + timedelta(days=n + 1))


def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def test_tasks_and_path_pages_run_a_constant_number_of_statements(employee, count_statements):
    _mixed_assignments(4, "few")
    path_id = db.session.scalar(select(Assignment.id).where(Assignment.kind == "path"))
    few = [_statements(employee, count_statements, url)
           for url in ("/learn/tasks", "/learn/", f"/learn/paths/{path_id}")]
    _mixed_assignments(30, "many")
    many = [_statements(employee, count_statements, url)
            for url in ("/learn/tasks", "/learn/", f"/learn/paths/{path_id}")]
    assert employee.get("/learn/tasks").text.count('data-testid="task"') == 34
    assert many == few


# ---- hostile text ------------------------------------------------------------------------------

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)", "<svg/onload=alert(1)>", "{{ 7*7 }}", "%(title)s %s",
            "‮ RTL ‭", "表情😀" * 40]


def test_hostile_titles_and_messages_are_shown_as_text(client, auth, demo):
    course = make_course("hostile", title=PAYLOADS[0])
    path = make_path([(PAYLOADS[1], [course]), (PAYLOADS[3], [make_course("h2")])],
                     title=PAYLOADS[1][:200], description=PAYLOADS[4], mode="gated")
    assignment = assign(path, "employee", message="\n".join(PAYLOADS))
    assign(course, "employee", message=PAYLOADS[3])
    from app.services.assign.notify import notify_assigned

    notify_assigned(utcnow())
    db.session.commit()
    auth.as_role("employee")
    problems = []
    for url in ("/learn/tasks", f"/learn/paths/{assignment.id}", "/notifications/", "/learn/"):
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [f"{url}: {p}" for p in unsafe_parts(response.text, allow_our_scripts=True)]
        assert "{{ 7*7 }}" in response.text or url in ("/learn/", "/notifications/")
    auth.logout()
    auth.as_role("trainer")
    for url in ("/manage/paths", f"/manage/paths/{path.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [f"{url}: {p}" for p in unsafe_parts(response.text, allow_our_scripts=True)]
    assert not problems, problems


def test_naughty_path_titles_are_stored_as_typed_or_refused_with_a_message(trainer,
                                                                            shared_dir):
    strings = json.loads((shared_dir / "testdata/blns/blns.json").read_text("utf-8"))
    sample = strings[::8] + ["\x00", "NUL\x00inside", "x" * 201]
    problems = []
    for s in sample:
        response = trainer.post("/manage/paths/new", data={"title": s, "mode": "free"})
        if response.status_code == 302:
            stored = db.session.scalar(select(LearningPath).order_by(
                LearningPath.id.desc())).title
            if stored != s:
                problems.append(f"{s!r} stored as {stored!r}")
        elif response.status_code != 200 or 'class="form-error"' not in response.text:
            problems.append(f"{s!r}: {response.status_code}")
        elif s.strip() and len(s) <= 200 and not any(
                unicodedata.category(ch) in {"Cc", "Cs"} for ch in s):
            problems.append(f"{s!r}: refused")
        with trainer.session_transaction() as session:
            session.pop("_flashes", None)
    listing = trainer.get("/manage/paths")
    assert listing.status_code == 200
    problems += unsafe_parts(listing.text, allow_our_scripts=True)
    assert not problems, problems[:20]
