"""New hires are not overdue on their first day: someone who joined after an assignment's due
date (or fewer than its grace days before it) is due their hire date plus the grace days —
on the status, 我的任务, the dashboard, the follow-up page and every reminder channel — while
long-standing staff stay overdue as before."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment
from app.services import accounts
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.assign.follow import follow_rows
from app.services.assign.reminders import owed_items, send_reminders
from app.services.assign.status import status_query
from app.services.assign.tasks import my_tasks
from app.services.errors import DomainError
from app.services.reports import dashboard
from app.services.reports.filters import Filters, make_view
from app.services.validation import clean_day
from tests.helpers import TEST_HASH
from tests.learning_factories import department, make_course, person
from tests.reminder_servers import Robot

ZONE = "Asia/Shanghai"


@pytest.fixture
def newcomer(demo) -> User:
    """Created today through the service (no hire date given) in 星河 main's 前台, next to
    孙悦 (10006), who has worked there since 2024."""
    front = department("前台")
    user, _password = accounts.create_user(accounts.UserData(
        login="30001", name="新同事", department_id=front.id), hash_method=TEST_HASH)
    db.session.commit()
    return user


def _now(user: User) -> datetime:
    """Ten in the morning (China time) of the newcomer's first day."""
    return datetime.combine(user.hire_date, time(2), UTC)


def _assign_front(now: datetime, **fields):
    course = make_course("front-desk", title="前台接待规范")
    assignment = create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, department_ids=[department("前台").id],
        starts_at=now - timedelta(days=20), due_at=now - timedelta(days=2), **fields), now)
    db.session.commit()
    return assignment


def _status(assignment, now) -> dict[str, tuple[str, datetime]]:
    query = status_query(now, _is(assignment)).subquery()
    found = db.session.execute(select(User.login, query.c.status, query.c.due_at)
                               .join(query, query.c.user_id == User.id)).all()
    return {login: (status, due) for login, status, due in found}


def _is(assignment):
    return Assignment.id == assignment.id


def test_the_hire_date_defaults_to_the_day_the_account_was_created(newcomer):
    assert newcomer.hire_date == newcomer.created_at.date()
    assert person("10006").hire_date == date(2024, 3, 1)  # the demo's staff are long-standing


def test_a_newcomer_is_not_overdue_on_an_assignment_due_before_they_joined(newcomer):
    now = _now(newcomer)
    assignment = _assign_front(now)
    found = _status(assignment, now)
    assert found["30001"] == ("not_started", newcomer.hire_start + timedelta(days=7))
    assert found["10006"] == ("overdue", now - timedelta(days=2))


def test_my_tasks_say_due_in_the_grace_days(newcomer):
    now = _now(newcomer)
    _assign_front(now)
    open_tasks, _done = my_tasks(newcomer, now, ZONE)
    assert [(t.status, t.days) for t in open_tasks] == [("not_started", 7)]
    veteran_tasks, _done = my_tasks(person("10006"), now, ZONE)
    assert [(t.status, t.days) for t in veteran_tasks] == [("overdue", -2)]


def test_the_dashboard_and_the_follow_up_page_count_only_the_veteran_overdue(newcomer):
    now = _now(newcomer)
    assignment = _assign_front(now)
    view = make_view(person("admin"), Filters(department_id=department("前台").id), now)
    rates = dashboard.overall(dashboard.columns(view))
    assert (rates.owed, rates.overdue) == (2, 1)
    rows = follow_rows(person("admin"), assignment, now)
    statuses = {db.session.get(User, row.user_id).login: row.status for row in rows}
    assert statuses == {"30001": "not_started", "10006": "overdue"}


def test_reminders_name_the_veteran_and_not_the_newcomer(newcomer, app):
    now = _now(newcomer)
    _assign_front(now)
    owed = {item.user_name: item.overdue for item in owed_items(now, 1)}
    assert owed == {"孙悦": True}
    with Robot() as robot:
        department("前台").wecom_webhook_url = robot.url("front")
        db.session.commit()
        send_reminders(now, dry_run=False, settings=current_app.config,
                       commit=db.session.commit)
        db.session.commit()
        posted = "\n".join(robot.contents())
    assert "孙悦" in posted and "新同事" not in posted


def test_a_week_later_the_newcomer_is_overdue_too(newcomer):
    now = _now(newcomer)
    assignment = _assign_front(now)
    later = now + timedelta(days=8)
    assert _status(assignment, later)["30001"][0] == "overdue"


def test_someone_hired_shortly_before_the_due_date_gets_the_grace_days_too(newcomer):
    now = _now(newcomer)
    course = make_course("soon", title="即将截止")
    assignment = create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, department_ids=[department("前台").id],
        starts_at=now - timedelta(days=1), due_at=now + timedelta(days=3)), now)
    db.session.commit()
    found = _status(assignment, now)
    assert found["30001"][1] == newcomer.hire_start + timedelta(days=7)  # later than the due
    assert found["10006"][1] == now + timedelta(days=3)


@pytest.mark.parametrize(("grace", "expected"), [(0, "overdue"), (30, "not_started")])
def test_the_grace_days_are_the_assignments(newcomer, grace, expected):
    now = _now(newcomer) + timedelta(days=10)
    assignment = _assign_front(now, grace_days=grace)
    newcomer.hire_date = (now - timedelta(days=5)).date()
    db.session.commit()
    assert _status(assignment, now)["30001"][0] == expected


def test_grace_days_out_of_range_are_refused(demo):
    course = make_course("grace", title="宽限")
    with pytest.raises(DomainError) as caught:
        create_assignment(person("admin"), AssignmentData(
            kind="course", item_id=course.id, user_ids=[person("employee").id],
            grace_days=400), datetime.now(UTC))
    assert caught.value.field == "grace_days" and "0 到 365" in str(caught.value)


@pytest.mark.parametrize("written", ["2026-03-01", "2026/3/1", "2026年3月1日", " 2026.03.01 "])
def test_a_hire_date_is_read_as_people_write_it(written):
    assert clean_day(written, field="hire_date", label="入职日期") == date(2026, 3, 1)
