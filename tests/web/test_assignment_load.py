"""The assignment pages under load and hostile input: naughty strings in every field of the
form, and a constant number of SQL statements on the follow-up page (10 vs 1,000 people),
the list (2 vs 20 assignments) and a member's page."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from app.extensions import db
from app.models import Department, User
from app.models.base import utcnow
from app.services.assign.assignments import AssignmentData, create_assignment
from tests.learning_factories import department, make_course, person, position
from tests.naughty import representative
from tests.quiz_factories import make_quiz
from tests.web.assignment_helpers import assign, follow_page


@pytest.fixture
def supervisor(client, auth, demo):
    auth.as_role("supervisor")
    return client


@pytest.fixture
def course(demo):
    return make_course("load-assigned", [("one", "第一课", "正文")])

# ---- naughty strings -----------------------------------------------------------------------

@pytest.fixture
def naughty(shared_dir) -> list[str]:
    import json

    path = shared_dir / "testdata/blns/blns.json"
    if not path.is_file():
        pytest.skip("the naughty strings are not available")
    return representative(json.loads(path.read_text(encoding="utf-8"))) + ["\x00", "NUL\x00inside"]


def test_every_naughty_message_is_stored_as_typed_or_refused(course, naughty):
    """The whole list, through the service (cheap): a message is kept exactly (line ends
    made "\n") or refused with a DomainError naming the field."""
    from app.services.errors import DomainError

    employee = person("employee").id
    for text in naughty:
        try:
            with db.session.begin_nested():
                created = create_assignment(person("supervisor"), AssignmentData(
                    kind="course", item_id=course.id, user_ids=[employee], message=text),
                    utcnow())
        except DomainError as error:
            assert error.field == "message", repr(text)
        else:
            assert created.message == (text.replace("\r\n", "\n").replace("\r", "\n")
                                       if text.strip() else ""), repr(text)


def test_naughty_strings_in_each_field_of_the_form_never_break_it(supervisor, course,
                                                                  naughty):
    """A sample of the list, each string in one field of the form (one request each)."""
    employee = person("employee").id
    fields = ("item", "due_at", "user_ids", "practice_runs", "message", "starts_at")
    for n, text in enumerate(naughty[::6] + ["\x00"] * len(fields)):
        data = {"item": f"course:{course.id}", "user_ids": [employee], "required": "1"}
        data[fields[n % len(fields)]] = text
        response = supervisor.post("/team/assignments/new", data=data)
        assert response.status_code in (200, 302), repr(text)
        if response.status_code == 200:
            assert 'class="form-error"' in response.text, repr(text)


# ---- statement counts ----------------------------------------------------------------------

def _add_people(department_id: int, start: int, number: int) -> None:
    db.session.execute(insert(User), [
        {"login": f"bulk{n:05d}", "name": f"员工{n}", "password_hash": "x",
         "department_id": department_id, "position_id": position("护士").id,
         "must_change_password": False} for n in range(start, start + number)])
    db.session.commit()


def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def test_the_follow_page_is_constant_in_the_number_of_people(supervisor, course,
                                                             count_statements):
    team = Department(name="培训测试组", hospital_id=department("整形外科").hospital_id,
                      parent_id=department("整形外科").id)
    db.session.add(team)
    db.session.commit()
    _add_people(team.id, 0, 10)
    assignment = assign("supervisor", course.id, department_ids=[team.id])
    url = f"/team/assignments/{assignment.id}"
    few = _statements(supervisor, count_statements, url)
    _add_people(team.id, 10, 990)
    many = _statements(supervisor, count_statements, url)
    assert many == few
    assert follow_page(supervisor, assignment.id).count("<tr data-user=") == 1000


def test_the_list_and_member_pages_are_constant_in_the_number_of_assignments(
        supervisor, course, count_statements):
    quiz = make_quiz(title="测验")
    employee = person("employee").id
    member_url = f"/team/members/{employee}"

    def give(number: int) -> None:
        for n in range(number):
            create_assignment(person("supervisor"), AssignmentData(
                kind="course" if n % 2 else "quiz", item_id=course.id if n % 2 else quiz.id,
                user_ids=[employee], department_ids=[department("整形外科").id]), utcnow())
        db.session.commit()

    give(2)
    few = [_statements(supervisor, count_statements, url)
           for url in ("/team/assignments", member_url)]
    give(18)
    many = [_statements(supervisor, count_statements, url)
            for url in ("/team/assignments", member_url)]
    assert many == few
    assert supervisor.get("/team/assignments").text.count('data-testid="assignment-summary"') \
        == 20


def test_my_tasks_is_constant_when_an_assignment_has_1000_people(client, auth, course,
                                                                 count_statements):
    """我的任务 of one employee owing an assignment given to their whole department."""
    auth.as_role("employee")
    centre = department("客服中心")
    _add_people(centre.id, 0, 10)
    assign("admin", course.id, department_ids=[centre.id])
    few = _statements(client, count_statements, "/learn/tasks")
    _add_people(centre.id, 10, 990)
    many = _statements(client, count_statements, "/learn/tasks")
    assert many == few
    assert course.title in client.get("/learn/tasks").text
