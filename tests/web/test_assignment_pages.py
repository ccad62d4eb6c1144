"""The assignment pages of the team area: giving a course, quiz, SOP module or learning path
to people, departments and positions inside one's scope; following it up (statuses computed
from the organisation as it is now); reminding, extending, cancelling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.assignments import (
    Assignment,
    AssignmentExtension,
    LearningPath,
    Notification,
    PathStage,
    PathStageItem,
)
from app.models.base import utcnow
from tests.class_factories import make_class
from tests.learning_factories import department, make_course, make_sop, person, position
from tests.quiz_factories import make_quiz
from tests.web.assignment_helpers import assign, count, follow_page, local, row_of
from tests.web.quiz_helpers import shown


@pytest.fixture
def supervisor(client, auth, demo):
    auth.as_role("supervisor")
    return client


@pytest.fixture
def course(demo):
    return make_course("team-assigned", [("one", "第一课", "正文")], title="术后回访话术")


def _path(course) -> LearningPath:
    path = LearningPath(title="新人学习路径", mode="free")
    stage = PathStage(title="第一关", rank=0)
    stage.items = [PathStageItem(kind="course", course_id=course.id)]
    path.stages = [stage]
    db.session.add(path)
    db.session.commit()
    return path


def _item(kind: str, course) -> str:
    item = {"course": lambda: course, "quiz": lambda: make_quiz(title="投诉处理测验"),
            "sop": lambda: make_sop("team-sop", title="术后随访 SOP"),
            "path": lambda: _path(course), "class": lambda: make_class("新人面授")[0]}[kind]()
    return f"{kind}:{item.id}"


# ---- giving an assignment ----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["course", "quiz", "sop", "path", "class"])
def test_a_supervisor_assigns_each_kind_through_the_form(supervisor, course, kind):
    item = _item(kind, course)
    form = supervisor.get("/team/assignments/new").text
    assert f'value="{item}"' in form
    due = utcnow() + timedelta(days=7)
    response = supervisor.post("/team/assignments/new", data={
        "item": item, "user_ids": [person("employee").id], "department_ids": [],
        "due_at": local(due), "required": "0", "message": "本周内完成，谢谢！",
        "acknowledge": "0" if kind == "sop" else "1", "practice_runs": "2"})
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    assert response.location.endswith(f"/team/assignments/{assignment.id}")
    assert (assignment.kind, assignment.required, assignment.message) == (
        kind, False, "本周内完成，谢谢！")
    assert assignment.created_by_id == person("supervisor").id
    assert abs(assignment.due_at - due) < timedelta(minutes=1)  # China time → UTC
    if kind == "sop":
        assert (assignment.acknowledge, assignment.practice_runs) == (False, 2)
    notified = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == person("employee").id)).all()
    assert notified == ["assigned"]
    page = follow_page(supervisor, assignment.id)
    assert "王小雨" in row_of(page, "employee") and 'data-status="not_started"' in page


def test_the_grace_days_for_new_hires_are_set_on_the_form(supervisor, course):
    form = supervisor.get("/team/assignments/new").text
    assert 'name="grace_days"' in form and "新入职宽限天数" in form and 'value="7"' in form
    data = {"item": f"course:{course.id}", "user_ids": [person("employee").id],
            "due_at": local(utcnow() + timedelta(days=7)), "required": "1",
            "acknowledge": "1", "practice_runs": "0"}
    page = supervisor.post("/team/assignments/new", data={**data, "grace_days": "400"})
    assert page.status_code == 200 and "新入职宽限天数须在 0 到 365 之间" in page.text
    assert db.session.scalar(select(Assignment)) is None
    response = supervisor.post("/team/assignments/new", data={**data, "grace_days": "14"})
    assignment = db.session.scalar(select(Assignment))
    assert response.status_code == 302 and assignment.grace_days == 14
    assert "入职日期后 14 天" in follow_page(supervisor, assignment.id)


def test_the_form_offers_only_the_supervisors_people_and_departments(supervisor, course):
    page = supervisor.get("/team/assignments/new").text
    assert "王小雨" in page and "郑可" in page and "马丽" not in page
    assert f'value="{department("整形外科").id}"' in page
    assert f'name="department_ids" value="{department("美容皮肤科").id}"' not in page
    assert "术后回访话术" in page


def test_departments_and_positions_become_targets(supervisor, course):
    response = supervisor.post("/team/assignments/new", data={
        "item": f"course:{course.id}", "department_ids": [department("客服中心").id],
        "position_ids": [position("咨询师").id], "required": "1"})
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    page = follow_page(supervisor, assignment.id)
    for login in ("employee", "10005", "10007"):  # 客服中心 (+网络咨询组); 咨询师 of 整形外科
        assert row_of(page, login), login
    assert not row_of(page, "10012")  # 咨询师 of 美容皮肤科: outside the supervisor's scope


@pytest.mark.parametrize("field,outsider,message", [
    ("user_ids", lambda: person("10012").id,
     "You can only assign to people in the departments you lead."),
    ("department_ids", lambda: department("美容皮肤科").id,
     "You can only assign to departments you lead."),
])
def test_a_direct_post_outside_the_scope_is_refused(supervisor, course, field, outsider,
                                                   message):
    response = supervisor.post("/team/assignments/new", data={
        "item": f"course:{course.id}", field: [outsider()], "required": "1"})
    assert response.status_code == 200
    assert shown(message) in response.text
    assert count(Assignment) == 0 and count(Notification) == 0


@pytest.mark.parametrize("change,message", [
    (lambda now: {"starts_at": local(now + timedelta(days=3)),
                  "due_at": local(now + timedelta(days=2))},
     "The due date must be after the start date."),
    (lambda now: {"user_ids": []}, "Choose at least one person, department or position."),
    (lambda now: {"message": "长" * 1001}, None),
    (lambda now: {"item": "course:99999999"},
     "This item cannot be assigned (it was removed or is not published)."),
    (lambda now: {"item": "lesson:1"}, "Choose what to assign."),
    (lambda now: {"due_at": local(now).replace("T", "T99:")}, None),
    (lambda now: {"due_at": "1900-01-01T09:00"},
     "Choose a date between the years 2000 and 2100."),
    (lambda now: {"user_ids": ["abc"]}, None),
    (lambda now: {"practice_runs": "51", "item": "sop"}, "Practice runs must be between 0 and 50."),
])
def test_bad_input_is_refused_with_a_message_and_nothing_written(supervisor, course, change,
                                                                message):
    now = utcnow()
    data = {"item": f"course:{course.id}", "user_ids": [person("employee").id],
            "required": "1", **change(now)}
    if data["item"] == "sop":
        data["item"] = f"sop:{make_sop('bad-input-sop').id}"
    response = supervisor.post("/team/assignments/new", data=data)
    assert response.status_code == 200
    if message:
        assert shown(message) in response.text
    elif "message" in data:
        assert shown("%(label)s must be at most %(max)d characters.",
                     label=shown("Message"), max=1000) in response.text
    assert 'class="form-error"' in response.text
    assert count(Assignment) == 0 and count(Notification) == 0


# ---- following up --------------------------------------------------------------------------

def test_the_follow_page_follows_the_organisation_as_it_is_now(supervisor, course):
    assignment = assign("admin", course.id, department_ids=[department("整形外科").id])
    page = follow_page(supervisor, assignment.id)
    assert row_of(page, "10009") and not row_of(page, "10012")
    mover, leaver = person("10012"), person("10009")
    mover.department_id = department("整形外科").id  # moves into the department
    leaver.active = False  # leaves the clinic
    db.session.commit()
    page = follow_page(supervisor, assignment.id)
    assert "马丽" in row_of(page, "10012")
    assert not row_of(page, "10009")


def test_a_supervisor_sees_only_their_people_and_only_assignments_for_them(supervisor, client,
                                                                           auth, course):
    everyone = assign("admin", course.id, position_ids=[position("咨询师").id])
    outside = assign("admin", course.id, user_ids=[person("10012").id])
    page = follow_page(supervisor, everyone.id)
    assert row_of(page, "10007") and not row_of(page, "10012")
    assert supervisor.get(f"/team/assignments/{outside.id}").status_code == 404
    assert supervisor.post(f"/team/assignments/{outside.id}/remind").status_code == 404
    listed = supervisor.get("/team/assignments").text
    assert f"/team/assignments/{everyone.id}" in listed
    assert f"/team/assignments/{outside.id}\"" not in listed
    auth.logout()
    auth.as_role("admin")
    assert row_of(follow_page(client, everyone.id), "10012")
    assert row_of(follow_page(client, outside.id), "10012")


def test_statuses_can_be_filtered_and_counted(supervisor, course):
    assignment = assign("admin", course.id, user_ids=[person("employee").id,
                                                      person("10005").id],
                        due_at=utcnow() + timedelta(days=2))
    extra = AssignmentExtension(assignment_id=assignment.id, user_id=person("10005").id,
                                due_at=utcnow() - timedelta(hours=1))
    db.session.add(extra)
    db.session.commit()
    page = follow_page(supervisor, assignment.id)
    assert 'data-testid="count-overdue"' in page
    assert shown("Overdue") + " 1" in page and shown("Not started") + " 1" in page
    overdue = follow_page(supervisor, assignment.id, status="overdue")
    assert row_of(overdue, "10005") and not row_of(overdue, "employee")
    listed = supervisor.get("/team/assignments").text
    assert "0%" in listed and shown("%(count)d overdue", count=1) in listed


def test_reminding_twice_the_same_day_sends_one_notification_each(supervisor, course):
    assignment = assign("admin", course.id, department_ids=[department("客服中心").id])
    first = supervisor.post(f"/team/assignments/{assignment.id}/remind", follow_redirects=True)
    assert "已提醒 2 人。" in first.text  # "Reminded %(num)d people."
    second = supervisor.post(f"/team/assignments/{assignment.id}/remind",
                             follow_redirects=True)
    assert shown("Nobody to remind: everyone is done or was reminded today.") in second.text
    reminders = db.session.execute(select(Notification.user_id, Notification.key).where(
        Notification.kind == "reminder")).all()
    assert sorted(u for u, _k in reminders) == sorted([person("employee").id,
                                                       person("10005").id])
    assert all(k.startswith(f"reminder:{assignment.id}:") for _u, k in reminders)


def test_extending_one_person_makes_them_no_longer_overdue(supervisor, course):
    now = utcnow()
    assignment = assign("admin", course.id, starts_at=now - timedelta(days=5),
                        due_at=now - timedelta(days=1),
                        user_ids=[person("employee").id, person("10005").id])
    assert 'data-status="overdue"' in row_of(follow_page(supervisor, assignment.id), "employee")
    response = supervisor.post(f"/team/assignments/{assignment.id}/extend", data={
        "user_id": person("employee").id, "due_at": local(now + timedelta(days=3))},
        follow_redirects=True)
    assert shown("Due date extended.") in response.text
    page = follow_page(supervisor, assignment.id)
    assert 'data-status="not_started"' in row_of(page, "employee")
    assert 'data-status="overdue"' in row_of(page, "10005")


@pytest.mark.parametrize("data,message", [
    (lambda: {"user_id": person("10012").id}, "This person does not owe this assignment."),
    (lambda: {"user_id": "x"}, "This person does not owe this assignment."),
    (lambda: {"user_id": person("employee").id, "due_at": "明天"}, "Enter a date and time."),
    (lambda: {"user_id": person("employee").id, "due_at": "2001-01-01T09:00"},
     "The new due date must be in the future."),
])
def test_a_bad_extension_is_refused(supervisor, course, data, message):
    assignment = assign("admin", course.id, user_ids=[person("employee").id])
    response = supervisor.post(f"/team/assignments/{assignment.id}/extend", data=data(),
                               follow_redirects=True)
    assert shown(message) in response.text
    assert count(AssignmentExtension) == 0


def test_cancelling_needs_confirmation_and_keeps_the_history(supervisor, course):
    assignment = assign("supervisor", course.id, user_ids=[person("employee").id])
    supervisor.post(f"/team/assignments/{assignment.id}/cancel")
    assert db.session.get(Assignment, assignment.id).cancelled_at is None
    response = supervisor.post(f"/team/assignments/{assignment.id}/cancel",
                               data={"confirm": "yes"}, follow_redirects=True)
    assert shown("Assignment cancelled.") in response.text
    assert db.session.get(Assignment, assignment.id).cancelled_at is not None
    page = follow_page(supervisor, assignment.id)
    assert 'data-testid="cancelled"' in page and not row_of(page, "employee")
    assert f"/team/assignments/{assignment.id}" in supervisor.get("/team/assignments").text


def test_a_supervisor_cannot_cancel_an_assignment_someone_else_gave(supervisor, course):
    assignment = assign("admin", course.id, user_ids=[person("employee").id])
    response = supervisor.post(f"/team/assignments/{assignment.id}/cancel",
                               data={"confirm": "yes"}, follow_redirects=True)
    assert shown("Only the person who gave this assignment, or an administrator, can cancel "
                 "it.") in response.text
    assert db.session.get(Assignment, assignment.id).cancelled_at is None


def test_team_pages_link_to_assignments_and_show_what_a_member_owes(supervisor, course):
    assert "/team/assignments" in supervisor.get("/team/").text
    assign("admin", course.id, user_ids=[person("employee").id])
    page = supervisor.get(f"/team/members/{person('employee').id}").text
    assert "术后回访话术" in page and 'data-status="not_started"' in page
