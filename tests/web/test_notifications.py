"""The notification centre: the bell's unread count in every page's header, the list with a
sentence per kind in the reader's language, opening one (read, then to what it is about),
marking all read; "graded" when a person finishes grading an attempt; statements."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.assignments import Notification
from app.models.base import utcnow
from app.services.assign.notify import notify, notify_assigned
from tests.learning_factories import make_course, person
from tests.path_factories import assign
from tests.web.quiz_helpers import quiz_with_short_answer, short_row, shown, submit_attempt

BELL = re.compile(r'data-testid="bell" data-unread="(\d+)"')


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def _bell(client, url: str = "/learn/") -> int:
    return int(BELL.search(client.get(url).text).group(1))


def _unread(login: str) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == person(login).id, Notification.read_at.is_(None)))


def test_the_bell_counts_unread_notifications_on_every_page(employee):
    assert _bell(employee) == 0
    course = make_course("told", title="新课程")
    assign(course, "employee", due_at=utcnow() + timedelta(days=1))
    notify_assigned(utcnow())
    notify(person("employee").id, "reminder", "manual:1", utcnow(),
           assignment_id=db.session.scalar(select(Notification.assignment_id)))
    db.session.commit()
    for url in ("/learn/", "/learn/tasks", "/auth/profile", "/notifications/"):
        assert _bell(employee, url) == 2, url


def test_the_bell_is_not_shown_to_anonymous_visitors(client, demo):
    assert 'data-testid="bell"' not in client.get("/auth/login").text


def test_each_kind_reads_as_a_sentence_with_the_item_title(employee):
    course = make_course("kinds", title="术后回访课")
    assignment = assign(course, "employee")
    me, now = person("employee").id, utcnow()
    for n, kind in enumerate(("assigned", "due_soon", "overdue", "reminder", "returned")):
        notify(me, kind, f"{kind}:{n}", now + timedelta(seconds=n),
               assignment_id=assignment.id)
    notify(me, "graded", "graded:x", now, url="/learn/attempts/1", title="话术测验")
    notify(me, "graded", "graded:y", now)  # an attempt without a quiz title
    db.session.commit()
    page = employee.get("/notifications/").text
    assert page.count('data-testid="notification"') == 7
    for msgid in ("New task: “%(title)s”.", "“%(title)s” is due soon.",
                  "“%(title)s” is overdue.",
                  "Your supervisor reminds you to finish “%(title)s”.",
                  "“%(title)s” was returned to you for rework."):
        assert shown(msgid, title="术后回访课") in page, msgid
    assert shown("Your answers in “%(title)s” have been graded.", title="话术测验") in page
    assert shown("One of your answers has been graded.") in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(employee):
    assignment = assign(make_course("open-me"), "employee")
    notify_assigned(utcnow())
    notify(person("employee").id, "graded", "graded:9", utcnow(), url="/learn/attempts/9")
    notify(person("employee").id, "graded", "graded:evil", utcnow(),
           url="https://evil.example/phish")
    db.session.commit()
    ids = dict(db.session.execute(select(Notification.key, Notification.id)).all())
    response = employee.post(f"/notifications/{ids[f'assigned:{assignment.id}']}/read")
    assert response.status_code == 302
    assert response.location.endswith(f"/learn/tasks#task-{assignment.id}")
    assert employee.post(f"/notifications/{ids['graded:9']}/read").location.endswith(
        "/learn/attempts/9")
    assert "evil" not in employee.post(f"/notifications/{ids['graded:evil']}/read").location
    assert _unread("employee") == 0


def test_someone_elses_notification_is_404_and_stays_unread(client, auth, demo):
    notify(person("10006").id, "reminder", "r:1", utcnow())
    db.session.commit()
    theirs = db.session.scalar(select(Notification.id))
    auth.as_role("employee")
    assert client.post(f"/notifications/{theirs}/read").status_code == 404
    assert client.post("/notifications/read-all").status_code == 302
    assert _unread("10006") == 1


def test_mark_all_read_clears_the_bell(employee):
    for n in range(3):
        notify(person("employee").id, "reminder", f"r:{n}", utcnow())
    db.session.commit()
    assert _bell(employee) == 3
    response = employee.post("/notifications/read-all")
    assert response.status_code == 302 and response.location.endswith("/notifications/")
    assert _bell(employee) == 0
    assert 'data-unread="true"' not in employee.get("/notifications/").text


def test_the_employee_is_told_when_a_person_finishes_grading(client, auth, demo):
    attempt = submit_attempt(quiz_with_short_answer(title="话术简答"), "employee")
    row_id = short_row(attempt).id
    assert _unread("employee") == 0
    auth.as_role("supervisor")
    assert client.post(f"/grading/answers/{row_id}", data={"points": "2"}).status_code == 302
    assert client.post(f"/grading/answers/{row_id}", data={"points": "1"}).status_code == 302
    graded = db.session.scalars(select(Notification).where(
        Notification.user_id == person("employee").id)).all()
    assert [(n.kind, n.key, n.url) for n in graded] == [
        ("graded", f"graded:{attempt.id}", f"/learn/attempts/{attempt.id}")]  # a regrade: once
    auth.logout()
    auth.as_role("employee")
    assert shown("Your answers in “%(title)s” have been graded.", title="话术简答") in \
        client.get("/notifications/").text


def test_the_list_runs_a_constant_number_of_statements(employee, count_statements):
    def measure() -> int:
        with count_statements() as counted:
            assert employee.get("/notifications/").status_code == 200
        return counted()

    me = person("employee").id
    courses = [make_course(f"n{n}") for n in range(12)]
    assignments = [assign(course, "employee") for course in courses]
    for n in range(2):
        notify(me, "assigned", f"a:{n}", utcnow(), assignment_id=assignments[n].id)
    db.session.commit()
    few = measure()
    for n in range(2, 12):
        notify(me, "overdue", f"o:{n}", utcnow(), assignment_id=assignments[n].id)
        notify(me, "graded", f"g:{n}", utcnow(), url=f"/learn/attempts/{n}", title=f"测{n}")
    db.session.commit()
    many = measure()
    assert employee.get("/notifications/").text.count('data-testid="notification"') == 22
    assert many == few
