"""What an assignment lets someone open (direct assignments that started, open stages of the
paths they owe) and 我的任务 (order, days left in China time, progress, the next step) — each
in a constant number of statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import CourseVersion, LessonProgress
from app.services.assign.access import assigned_access
from app.services.assign.paths import path_state, path_states
from app.services.assign.tasks import my_tasks, owed_count, path_task
from tests.learning_factories import make_course, make_sop, person
from tests.path_factories import assign, make_path
from tests.quiz_factories import make_quiz, single

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in China
ZONE = "Asia/Shanghai"


def _done(login: str, course) -> None:
    version = db.session.scalar(select(CourseVersion).where(CourseVersion.course_id == course.id))
    for lesson in version.lessons:
        db.session.add(LessonProgress(user_id=person(login).id, course_id=course.id,
                                      lesson_key=lesson.key, version_id=version.id,
                                      completed_at=NOW))
    db.session.commit()


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


@pytest.fixture
def gated(demo):
    first = make_course("a-one")
    hidden = make_course("a-two", positions=("前台",))
    quiz = make_quiz([single()], slug="a-quiz")
    path = make_path([("一", [first]), ("二", [hidden, quiz])], mode="gated")
    return first, hidden, quiz, path


def test_direct_assignments_count_once_they_have_started(demo):
    course, module = make_course("direct"), make_sop("direct-sop")
    assign(course, "employee", now=NOW)
    assign(module, "employee", now=NOW, starts_at=NOW + timedelta(hours=1))
    assert assigned_access(person("employee"), NOW) == {
        "course": {course.id}, "quiz": set(), "sop": set(), "survey": set(), "class": set()}
    assert assigned_access(person("employee"), NOW + timedelta(hours=2))["sop"] == {module.id}
    assert assigned_access(person("10006"), NOW) == {"course": set(), "quiz": set(), "sop": set(),
                                                     "survey": set(), "class": set()}


def test_only_the_open_stages_of_a_path_are_reachable(gated):
    first, hidden, quiz, path = gated
    assign(path, "employee", now=NOW)
    employee = person("employee")
    assert assigned_access(employee, NOW)["course"] == {first.id}
    _done("employee", first)
    access = assigned_access(employee, NOW)
    assert access["course"] == {first.id, hidden.id} and access["quiz"] == {quiz.id}


def test_path_states_match_path_state_for_each_path(gated):
    first, _hidden, _quiz, path = gated
    other = make_path([("甲", [make_course("o1")]), ("乙", [make_course("o2")], 3)],
                      mode="dated")
    employee = person("employee")
    both = path_states(employee, [(path, NOW), (other, NOW), (path, NOW)], NOW)
    singles = [path_state(employee, p, NOW, NOW) for p in (path, other, path)]
    flat = [[(s.stage.id, s.locked, [i.title for i in s.items]) for s in states]
            for states in both]
    assert flat == [[(s.stage.id, s.locked, [i.title for i in s.items]) for s in states]
                    for states in singles]
    assert [s.locked for s in both[1]] == [False, True]


def test_tasks_are_sorted_with_days_counted_in_china_time(demo):
    late = assign(make_course("t-late"), "employee", now=NOW, due_at=NOW - timedelta(hours=2))
    # 23:30 China time the same day, and 00:30 the next day: 0 and 1 days left
    today = assign(make_course("t-today"), "employee", now=NOW,
                   due_at=datetime(2026, 11, 23, 15, 30, tzinfo=UTC))
    tomorrow = assign(make_course("t-tomorrow"), "employee", now=NOW,
                      due_at=datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    undated = assign(make_course("t-none"), "employee", now=NOW)
    done_course = make_course("t-done")
    finished = assign(done_course, "employee", now=NOW)
    _done("employee", done_course)
    open_tasks, done = my_tasks(person("employee"), NOW, ZONE)
    assert [t.assignment.id for t in open_tasks] == [late.id, today.id, tomorrow.id, undated.id]
    assert [t.days for t in open_tasks] == [0, 0, 1, None]
    assert open_tasks[0].status == "overdue"
    assert [t.assignment.id for t in done] == [finished.id]
    assert (done[0].done, done[0].total) == (1, 1)
    assert owed_count(person("employee"), NOW) == 4


def test_a_path_task_knows_its_progress_and_next_step(gated):
    first, hidden, _quiz, path = gated
    assignment = assign(path, "employee", now=NOW)
    task = path_task(person("employee"), assignment.id, NOW, ZONE)
    assert (task.done, task.total, task.next_step.slug) == (0, 3, "a-one")
    _done("employee", first)
    task = path_task(person("employee"), assignment.id, NOW, ZONE)
    assert (task.done, task.total, task.next_step.slug) == (1, 3, hidden.slug)
    assert path_task(person("10006"), assignment.id, NOW, ZONE) is None


def _many(count: int, tag: str) -> None:
    for n in range(count):
        kind = n % 4
        if kind == 0:
            item = make_course(f"{tag}{n}")
        elif kind == 1:
            item = make_quiz([single()], slug=f"{tag}q{n}")
        elif kind == 2:
            item = make_sop(f"{tag}s{n}")
        else:
            item = make_path([("一", [make_course(f"{tag}p{n}")]),
                              ("二", [make_sop(f"{tag}ps{n}")])], mode="gated")
        assign(item, "employee", now=NOW, due_at=NOW + timedelta(days=n + 1))


def test_access_and_tasks_run_a_constant_number_of_statements(demo):
    def measure() -> tuple[int, int]:
        employee = person("employee")
        with Counter() as access:
            assigned_access(employee, NOW)
        with Counter() as tasks:
            my_tasks(employee, NOW, ZONE)
        return access.count, tasks.count

    _many(4, "few")
    few = measure()
    _many(30, "many")
    assert measure() == few
    assert len(my_tasks(person("employee"), NOW, ZONE)[0]) == 34
