"""Offline classes (线下课): an item kind of the registry end to end — assigned to a
department, enrolled in, checked in and out by QR code, seen by 我的任务, the dashboard, the
record, certificates and the export; the QR code expiring; the last seat raced for; leave
approved by the supervisor; attendance marked by hand with a reason."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AttendanceMark, ClassEnrolment, ClassSession
from app.models.base import utcnow
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.certificates import issue_due_certificates
from app.services.classes import qr
from app.services.points.rules import load_settings
from app.services.points.tally import points_of
from tests.class_factories import make_class
from tests.learning_factories import department, person
from tests.races import held_until_done, signed_in
from tests.web.api_helpers import get, make_token


def _at(monkeypatch, when):
    """Every class view sees `when` as now."""
    for module in ("app.web.learn.class_routes", "app.web.manage.class_routes",
                   "app.web.team.class_routes"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: when)


def _scan_url(session, action, when):
    with_token = qr.current_token(session.id, action, when)
    return f"/learn/class-scan/{session.id}/{action}/{with_token}"


def _enrolment(login):
    return db.session.scalar(select(ClassEnrolment).where(
        ClassEnrolment.user_id == person(login).id))


def test_a_class_assigned_to_a_department_is_enrolled_attended_and_seen_everywhere(
        app, client, auth, demo, monkeypatch, count_statements):
    auth.as_role("trainer")
    response = client.post("/manage/classes/new", data={"title": "注射礼仪面授",
                                                         "pass_score": "60"})
    class_id = int(response.location.rsplit("/", 1)[1])
    start = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
    local = lambda t: (t + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    client.post(f"/manage/classes/{class_id}", data={
        "starts_at": local(start), "ends_at": local(start + timedelta(hours=2)),
        "place": "三楼培训室", "capacity": "5", "trainer_id": "0"})
    session = db.session.scalar(select(ClassSession))
    assert session.starts_at == start and session.capacity == 5  # China time → UTC
    create_assignment(person("admin"), AssignmentData(
        kind="class", item_id=class_id, department_ids=[department("客服中心").id],
        starts_at=utcnow() - timedelta(hours=1)), utcnow())
    db.session.commit()
    auth.logout()

    auth.as_role("employee")
    tasks = client.get("/learn/tasks").text
    assert "注射礼仪面授" in tasks and "还没有报名场次" in tasks
    slug = session.training_class.slug
    assert client.post(f"/learn/class-sessions/{session.id}/enrol").status_code == 302
    assert "三楼培训室" in client.get("/learn/tasks").text
    # the QR link: GET only asks (writes nothing), POST checks in; then out after the end
    _at(monkeypatch, start + timedelta(minutes=5))
    scan = _scan_url(session, "in", start + timedelta(minutes=5))
    assert "签到" in client.get(scan).text and _enrolment("employee").checked_in_at is None
    assert client.post(scan).location == f"/learn/classes/{slug}"
    out_at = start + timedelta(hours=2, minutes=10)
    _at(monkeypatch, out_at)
    client.post(_scan_url(session, "out", out_at))
    assert _enrolment("employee").checked_out_at == out_at
    page = client.get(f"/learn/classes/{slug}").text
    assert "已出勤" in page  # attended, but the pass score is not entered yet
    rate = f"/learn/class-enrolments/{_enrolment('employee').id}/rate"
    refused = client.post(rate, data={"rating": "5", "comment": "顾客 13812345678 很满意"},
                          follow_redirects=True).text
    assert "手机号码" in refused and _enrolment("employee").rating is None
    client.post(rate, data={"rating": "4", "comment": "实操很有用"})
    assert (_enrolment("employee").rating, _enrolment("employee").rating_comment) == (
        4, "实操很有用")
    auth.logout()

    auth.as_role("trainer")
    mine = _enrolment("employee")
    client.post(f"/manage/class-enrolments/{mine.id}/grade", data={"score": "80",
                                                                   "trainer_rating": "5"})
    export = client.get(f"/manage/class-sessions/{session.id}/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["姓名", "工号", "状态"]
    assert rows[1][:3] == ["王小雨", "employee", "已出勤"]
    assert rows[1][7:9] == [80, 5]
    employee_id = person("employee").id
    assert points_of([employee_id], load_settings().values) == {employee_id: 5}  # attended
    auth.logout()

    auth.as_role("supervisor")
    dashboard = client.get("/team/dashboard").text
    assert "注射礼仪面授" in dashboard and 'data-status="completed"' in dashboard
    record = client.get(f"/team/members/{person('employee').id}/record").text
    assert "注射礼仪面授" in record and "已完成" in record
    with count_statements() as few:
        client.get("/team/dashboard")
    other = make_class("第二门面授")[0]
    create_assignment(person("admin"), AssignmentData(
        kind="class", item_id=other.id, department_ids=[department("整形外科").id],
        starts_at=utcnow() - timedelta(hours=1)), utcnow())
    db.session.commit()
    with count_statements() as many:
        client.get("/team/dashboard")
    assert many() == few()
    issued = issue_due_certificates(utcnow(), [person("employee").id])
    assert [(c.kind, c.title) for c in issued] == [("class", "注射礼仪面授")]
    api = get(client, "assignments", make_token()).get_json()["data"]
    assert {(row["kind"], row["class_id"], row["item_title"]) for row in api} == {
        ("class", class_id, "注射礼仪面授"), ("class", other.id, "第二门面授")}


def test_a_qr_code_works_for_its_window_and_the_next_then_expires(app, client, auth, demo,
                                                                  monkeypatch):
    _class, session = make_class(starts_at=utcnow() - timedelta(minutes=10))
    shown = utcnow().replace(microsecond=0)
    token = qr.current_token(session.id, "in", shown)
    later = lambda seconds: shown + timedelta(seconds=seconds)  # noqa: E731
    assert qr.token_valid(session.id, "in", token, later(29 - shown.second % 30))
    assert qr.token_valid(session.id, "in", token, later(30))
    assert not qr.token_valid(session.id, "in", token, later(60))
    assert not qr.token_valid(session.id, "out", token, shown)  # a check-in code only
    auth.as_role("employee")
    client.post(f"/learn/class-sessions/{session.id}/enrol")
    _at(monkeypatch, later(61))  # a photo sent to a friend, a minute later
    page = client.post(f"/learn/class-scan/{session.id}/in/{token}").text
    assert "二维码已过期" in page and _enrolment("employee").checked_in_at is None
    _at(monkeypatch, shown)
    assert client.post(f"/learn/class-scan/{session.id}/in/{token}").status_code == 302
    assert _enrolment("employee").checked_in_at == shown


def test_two_people_racing_for_the_last_seat_one_gets_it_the_other_is_told(app, demo):
    _class, session = make_class(capacity=1)
    phone, laptop = signed_in(app, "employee"), signed_in(app, "10005")
    url = f"/learn/class-sessions/{session.id}/enrol"
    held, first = held_until_done(app, lambda: phone.post(url), lambda: laptop.post(url),
                                  "class_sessions")
    assert held.status_code == first.status_code == 302
    seats = db.session.get(ClassSession, session.id)
    assert seats.enrolled == 1
    assert db.session.scalar(select(func.count(ClassEnrolment.id))) == 1
    assert _enrolment("10005") is not None and _enrolment("employee") is None
    assert "这一场已满员" in phone.get(held.location).text


def test_leave_is_asked_for_approved_once_and_never_counted_absent(app, client, auth, demo,
                                                                  monkeypatch):
    _class, session = make_class()
    auth.as_role("employee")
    client.post(f"/learn/class-sessions/{session.id}/enrol")
    mine = _enrolment("employee")
    refused = client.post(f"/learn/class-enrolments/{mine.id}/leave",
                          data={"reason": "家里有事 13812345678"}, follow_redirects=True).text
    assert "手机号" in refused and _enrolment("employee").leave_status is None
    client.post(f"/learn/class-enrolments/{mine.id}/leave", data={"reason": "孩子发烧"})
    assert _enrolment("employee").leave_status == "pending"
    auth.logout()

    outsider = signed_in(app, "admin")  # who also leads the employee: decides second
    auth.as_role("supervisor")
    assert "孩子发烧" in client.get("/team/classes").text
    outside = client.post("/team/classes/enrol", data={
        "user_id": person("10012").id, "session_id": session.id}, follow_redirects=True).text
    assert "请选择你团队中的一位员工和一个场次" in outside and _enrolment("10012") is None
    client.post("/team/classes/enrol", data={"user_id": person("10005").id,
                                             "session_id": session.id})
    assert _enrolment("10005").enrolled_by_id == person("supervisor").id
    client.post(f"/team/class-leave/{mine.id}", data={"decision": "approve"})
    again = outsider.post(f"/team/class-leave/{mine.id}", data={"decision": "reject"},
                          follow_redirects=True).text
    assert "已经处理" in again and _enrolment("employee").leave_status == "approved"
    _at(monkeypatch, session.ends_at + timedelta(days=1))
    auth.logout()
    auth.as_role("trainer")
    roster = client.get(f"/manage/class-sessions/{session.id}").text
    def state_of(name):
        return re.search(name + r"(?:(?!</tr>).)*?<td>(\S+?)</td>", roster, re.S).group(1)

    assert (state_of("王小雨"), state_of("赵晴")) == ("请假", "缺勤")  # leave is never absent


def test_the_trainer_marks_by_hand_only_with_a_reason_and_it_is_logged(app, client, auth,
                                                                       demo):
    _class, session = make_class()
    auth.as_role("trainer")
    client.post(f"/manage/class-sessions/{session.id}/enrol", data={"login": "employee"})
    mine = _enrolment("employee")
    page = client.post(f"/manage/class-enrolments/{mine.id}/mark", data={"mark": "present"},
                       follow_redirects=True).text
    assert "请填写手动签到的原因" in page and _enrolment("employee").marked is None
    client.post(f"/manage/class-enrolments/{mine.id}/mark",
                data={"mark": "present", "reason": "手机没电，讲师确认在场"})
    assert _enrolment("employee").marked == "present"
    log = db.session.scalar(select(AttendanceMark))
    assert (log.reason, log.marked_by_id) == ("手机没电，讲师确认在场", person("trainer").id)
    assert re.search(r"已出勤", client.get(f"/manage/class-sessions/{session.id}").text)


def test_the_roster_and_the_class_page_are_constant_in_people_and_sessions(
        app, client, auth, demo, count_statements):
    from app.services.classes import authoring
    from app.services.classes.enrolment import enrol

    training_class, session = make_class(capacity=20)
    pages = [f"/manage/class-sessions/{session.id}", f"/manage/classes/{training_class.id}",
             f"/learn/classes/{training_class.slug}"]

    def statements():
        counts = []
        for url in pages:
            with count_statements() as counted:
                assert client.get(url).status_code == 200
            counts.append(counted())
        return counts

    auth.as_role("trainer")
    enrol(person("trainer"), session, person("employee"), utcnow())
    db.session.commit()
    few = statements()
    for login in ("10005", "10006", "10007", "10008"):
        enrol(person("trainer"), session, person(login), utcnow())
    for hours in (30, 54):
        authoring.add_session(person("admin"), training_class, authoring.SessionData(
            utcnow() + timedelta(hours=hours), utcnow() + timedelta(hours=hours + 2), "二楼",
            5), utcnow())
    db.session.commit()
    assert statements() == few


def test_a_class_in_a_learning_path_links_to_its_page_and_counts_when_attended(
        app, client, auth, demo):
    from app.services.assign.tasks import my_tasks
    from app.services.classes import attendance
    from app.services.classes.enrolment import enrol
    from tests.path_factories import assign, make_path

    training_class, session = make_class("新人面授")
    path = make_path([("第一关", [training_class])], title="新人地图")
    assignment = assign(path, "employee")
    auth.as_role("employee")
    page = client.get(f"/learn/paths/{assignment.id}").text
    assert "新人面授" in page and f"/learn/classes/{training_class.slug}" in page
    def done_paths():
        return [task.title for task in my_tasks(person("employee"), utcnow(), "Asia/Shanghai")[1]]

    assert done_paths() == []
    mine = enrol(person("employee"), session, person("employee"), utcnow())
    attendance.mark(person("trainer"), mine, "present", "现场确认", utcnow())
    db.session.commit()
    assert done_paths() == ["新人地图"]
