"""The team dashboard, a member's record and 我的成绩 as pages and downloads: they render,
filter, stay inside the supervisor's departments and stream their exports."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from app.extensions import db
from app.models.assignments import Assignment, AssignmentTarget
from tests.learning_factories import department, person
from tests.report_factories import team_fixture

OUTSIDER = "马丽"  # 10012, 美容皮肤科: not in the demo supervisor's departments
TABLES = ("matrix", "quizzes", "questions", "reviews", "results")


@pytest.fixture
def team(demo):
    return team_fixture()


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Chinese Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_dashboard_shows_the_matrix_with_status_words(client, auth, team):
    auth.as_role("supervisor")
    page = client.get("/team/dashboard").text
    assert 'data-testid="matrix"' in page and 'data-testid="legend"' in page
    for name in ("周一帆", "吴佳", "王小雨", "赵晴"):
        assert name in page
    assert OUTSIDER not in page
    for word in ("未开始", "进行中", "已完成", "已逾期", "未通过"):  # the legend, in words
        assert word in page
    assert 'data-status="failed"' in page  # 吴佳's exam
    assert f'/team/members/{person("10008").id}/record' in page
    assert "<svg" in page  # charts, drawn on the server


def test_dashboard_filters(client, auth, team):
    auth.as_role("supervisor")
    service = client.get(f"/team/dashboard?department={department('客服中心').id}").text
    assert "王小雨" in service and "周一帆" not in service
    outside = client.get(f"/team/dashboard?department={department('美容皮肤科').id}").text
    assert OUTSIDER not in outside and "周一帆" in outside  # ignored: the whole team
    exam = client.get(f"/team/dashboard?assignment={team.quiz_assignment.id}").text
    assert "周一帆" in exam and "王小雨" not in exam
    nonsense = client.get("/team/dashboard?department=x&from=yesterday&page=-3&to=2026-13-40")
    assert nonsense.status_code == 200


def test_someone_elses_assignment_is_not_a_filter(client, auth, team):
    theirs = db.session.scalar(select(Assignment.id).join(AssignmentTarget).where(
        AssignmentTarget.user_id == person("10012").id))
    auth.as_role("supervisor")
    page = client.get(f"/team/dashboard?assignment={theirs}").text
    assert OUTSIDER not in page and "周一帆" in page


def test_member_record_and_scope(client, auth, team):
    auth.as_role("supervisor")
    page = client.get(f"/team/members/{person('10008').id}/record").text
    assert "吴佳" in page and "私域考试" in page and "<svg" in page
    assert client.get(f"/team/members/{person('10012').id}/record").status_code == 404
    outsider_export = f"/team/members/{person('10012').id}/record/export?table=courses&format=csv"
    assert client.get(outsider_export).status_code == 404
    assert client.get(f"/team/members/{person('10008').id}").status_code == 200


def test_admin_opens_anyones_record(client, auth, team):
    auth.as_role("admin")
    assert client.get(f"/team/members/{person('10012').id}/record").status_code == 200


def test_my_record(client, auth, team):
    auth.login("10008")
    page = client.get("/learn/record").text
    assert 'data-testid="record"' in page and "私域考试" in page
    assert client.get("/learn/").status_code == 200
    assert "/learn/record" in client.get("/learn/").text


def test_dashboard_exports_stay_in_scope(client, auth, team):
    auth.as_role("supervisor")
    rows = _csv(client.get("/team/dashboard/export?table=matrix&format=csv"))
    assert rows[0][:4] == ["工号", "姓名", "部门", "岗位"]
    assert "私域考试" in rows[0] and "话术课程" in rows[0]
    names = {row[1] for row in rows[1:]}
    assert names == {"陈主管", "王小雨", "赵晴", "周一帆", "吴佳", "郑可", "冯医生"}
    wu = next(row for row in rows if row[1] == "吴佳")
    assert wu[rows[0].index("私域考试")] == "未通过" and wu[rows[0].index("话术课程")] == "—"
    for table in TABLES:
        body = client.get(f"/team/dashboard/export?table={table}&format=csv").data
        assert OUTSIDER.encode() not in body and b"10012" not in body, table
    (quiz,) = _csv(client.get("/team/dashboard/export?table=quizzes&format=csv"))[1:]
    assert quiz[:3] == ["私域考试", "5", "1"] and quiz[4] == "4"  # not 10012's attempt


def test_exports_apply_the_filters(client, auth, team):
    auth.as_role("supervisor")
    url = f"/team/dashboard/export?table=matrix&format=csv&department={department('客服中心').id}"
    rows = _csv(client.get(url))
    assert {row[1] for row in rows[1:]} == {"王小雨", "赵晴"}
    assert "私域考试" not in rows[0]


def test_xlsx_export_opens_with_openpyxl(client, auth, team):
    auth.as_role("supervisor")
    response = client.get("/team/dashboard/export?table=matrix&format=xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert rows[0][:2] == ("工号", "姓名")
    assert "周一帆" in {row[1] for row in rows[1:]}


def test_record_exports(client, auth, team):
    auth.login("10008")
    for table in ("courses", "attempts", "exams", "acknowledgements", "runs", "results"):
        response = client.get(f"/learn/record/export?table={table}&format=csv")
        assert response.status_code == 200, table
    attempts = _csv(client.get("/learn/record/export?table=attempts&format=csv"))
    assert [row[0] for row in attempts[1:]] == ["私域考试", "私域考试"]
    assert client.get("/learn/record/export?table=nope&format=csv").status_code == 404
    assert client.get("/learn/record/export?table=courses&format=pdf").status_code == 400


def test_export_is_streamed_from_a_batched_query(client, auth, team):
    batched = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if context is not None and context.execution_options.get("yield_per"):
            batched.append(statement)

    auth.as_role("supervisor")
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.get("/team/dashboard/export?table=matrix&format=csv", buffered=False)
        assert response.is_streamed
        body = b"".join(response.response)
        response.close()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert "周一帆".encode() in body
    assert len(batched) == 2  # the people and their statuses, both read in batches


def test_names_and_titles_are_escaped_on_the_pages(client, auth, team):
    team.quiz.title = '<img src=x onerror="alert(1)">'
    wu = person("10008")
    wu.name = "<script>alert(2)</script>"
    db.session.commit()
    auth.as_role("supervisor")
    for url in ("/team/dashboard", f"/team/members/{wu.id}/record"):
        page = client.get(url).text
        assert "<script>alert(2)" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(2)" in page and "&lt;img src=x" in page, url


def test_a_members_record_links_to_their_attempts_and_runs(client, auth, team):
    import re

    auth.as_role("supervisor")
    page = client.get(f"/team/members/{person('10009').id}/record").text
    links = re.findall(r'href="(/(?:grading/attempts|review/runs)/\d+)"', page)
    assert {link.split("/")[1] for link in links} == {"grading", "review"}
    for link in links:
        assert client.get(link).status_code == 200, link
