"""Every table a supervisor, trainer or admin sees downloads as .xlsx and CSV (issue 18):
the page's filters applied, the viewer's scope kept (a supervisor never gets another
department's people), headers in the viewer's language, one charset in the CSV's type, and
the user list round-trips through the roster import.

The demo organisation: 陈主管 (supervisor) leads 整形外科 and 客服中心; 马丽 (10012,
美容皮肤科) is outside her team."""

from __future__ import annotations

import csv
import io

from flask import current_app
from flask_babel import gettext
from openpyxl import load_workbook

from app.extensions import db
from app.models import User
from app.services.importers.roster import import_roster
from tests.helpers import TEST_HASH
from tests.learning_factories import department, make_course, person
from tests.points_factories import complete_lessons
from tests.points_factories import run as signed_off_run
from tests.practice_factories import make_practice_sop, make_run
from tests.web.assignment_helpers import assign
from tests.web.quiz_helpers import quiz_with_short_answer, submit_attempt

OUTSIDER = "10012"  # 马丽, 美容皮肤科: nobody's team in the demo


def zh(msgid: str) -> str:
    """A msgid as the Chinese catalog says it."""
    with current_app.test_request_context():
        return gettext(msgid)


def _with(url: str, fmt: str) -> str:
    return url + ("&" if "?" in url else "?") + f"format={fmt}"


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(_with(url, "csv"))
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _xlsx(client, url: str) -> list[list]:
    response = client.get(_with(url, "xlsx"))
    assert response.status_code == 200, url
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return [list(r) for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(
        values_only=True)]


def _both(client, url: str) -> tuple[list[list], list[list]]:
    """The CSV and the workbook of one download: same headers, same rows (first column)."""
    text, book = _csv(client, url), _xlsx(client, url)
    assert text[0] == book[0] and len(text) == len(book)
    assert [r[0].removeprefix("'") for r in text] == [str(r[0]) for r in book]
    return text, book


def _column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_a_supervisor_downloads_every_team_table_filtered_and_in_scope(client, auth, demo):
    sop = make_practice_sop("export-sop")
    for login, code in (("employee", "EXP-A"), ("10009", "EXP-B"), (OUTSIDER, "EXP-OUT")):
        make_run(login, sop, status="submitted", case_code=code)
    quiz, other = quiz_with_short_answer(slug="export-quiz"), quiz_with_short_answer(slug="q2")
    for login in ("employee", OUTSIDER):
        submit_attempt(quiz, login)
    submit_attempt(other, "10005")
    course = make_course("export-course", [("a", "一", "x")])
    assignment = assign("admin", course.id,
                        user_ids=[person(p).id for p in ("employee", "10005", OUTSIDER)])
    complete_lessons("employee", course, ["a"])
    points_sop = make_practice_sop("export-points-sop")
    for login in ("10007", OUTSIDER):
        signed_off_run(login, points_sop)
    auth.as_role("supervisor")
    page = client.get(f"/team/assignments/{assignment.id}?status=completed").text
    links = page.split('data-testid="export-people"')[1].split("</span>")[1]
    assert "format=xlsx" in links and "status=completed" in links

    base = f"/team/assignments/{assignment.id}/export?status="
    done, _book = _both(client, base + "completed")
    assert done[0][:3] == ["工号", "姓名", "部门"] and _column(done, "工号") == ["employee"]
    assert _column(done, "状态") == [zh("Completed")] == ["已完成"]
    waiting = _csv(client, base + "not_started")
    assert _column(waiting, "工号") == ["10005"]  # 马丽 owes it too, outside the team

    runs, book = _both(client, f"/review/export?department={department('客服中心').id}")
    assert _column(runs, "案例编号") == ["EXP-A"] and book[1][6] is not None
    everyone = _csv(client, "/review/export")
    assert sorted(_column(everyone, "案例编号")) == ["EXP-A", "EXP-B"]

    answers, _book = _both(client, f"/grading/export?table=waiting&quiz={quiz.id}")
    assert _column(answers, "工号") == ["employee"]
    attempts, _book = _both(client, f"/grading/export?table=submitted&quiz={quiz.id}")
    assert _column(attempts, "工号") == ["employee"]
    assert OUTSIDER not in str(_csv(client, "/grading/export?table=submitted"))

    surgery = department("整形外科")
    results, _book = _both(client, f"/results/team/export?department={surgery.id}&kind=weekly")
    people = set(_column(results, "工号")[:-1])
    assert people and people <= {"supervisor", "10007", "10008", "10009", "10010"}
    assert results[-1][0] == zh("Total") and results[0][:3] == ["工号", "姓名", "部门"]

    board, _book = _both(client, "/points/leaderboard/export?scope=hospital&period=all")
    assert board[0] == [zh("Rank"), zh("Person"), "部门", zh("Points")]
    names = _column(board, zh("Person"))
    assert "周一帆" in names and "马丽" not in names and zh("A colleague") in names
    assert "美容皮肤科" not in str(board)


def test_a_trainer_downloads_quiz_results_and_the_quiz_list_in_english(client, auth, demo):
    quiz = quiz_with_short_answer(slug="export-results", title="=HYPERLINK(\"x\")")
    for login in ("employee", OUTSIDER):
        submit_attempt(quiz, login)
    auth.as_role("trainer")
    page = client.get(f"/manage/quizzes/{quiz.id}/results").text
    assert 'data-testid="export-attempts"' in page
    rows, _book = _both(client, f"/manage/quizzes/{quiz.id}/results/export")
    assert rows[0][:3] == ["工号", "姓名", zh("No.")]
    assert sorted(_column(rows, "工号")) == sorted(["employee", OUTSIDER])  # trainers: all

    client.post("/auth/language", data={"lang": "en"})
    listed, book = _both(client, "/manage/quizzes/export?status=active")
    assert listed[0][:2] == ["Quiz", "Course"]
    assert "'=HYPERLINK(\"x\")" in _column(listed, "Quiz")  # never a formula in CSV
    assert "=HYPERLINK(\"x\")" in [r[0] for r in book[1:]]  # a text cell in Excel
    assert _both(client, "/manage/quizzes/export?status=archived")[0] == [listed[0]]


def test_the_user_list_downloads_as_a_roster_that_imports_back_unchanged(client, auth, demo):
    auth.as_role("admin")
    page = client.get("/admin/users").text
    assert 'data-testid="export-roster"' in page
    url = f"/admin/users/export?department={department('整形外科').id}"
    rows, book = _both(client, url)
    assert rows[0] == ["工号", "姓名", "院区", "部门", "岗位", "角色", "手机", "邮箱", "负责部门",
                       "状态", "初始密码", "入职日期"]
    assert sorted(_column(rows, "工号")) == ["10007", "10008", "10009", "10010", "supervisor"]
    lead = rows[[r[0] for r in rows].index("supervisor")]
    assert lead[5] == "员工、主管" and lead[8] == "整形外科、客服中心" and lead[9] == "在职"

    csv_bytes = client.get(_with(url, "csv")).data
    xlsx_bytes = client.get(_with(url, "xlsx")).data
    for name, data in (("users.csv", csv_bytes), ("users.xlsx", xlsx_bytes)):
        report = import_roster(name, data, dry_run=False, max_rows=1000, hash_method=TEST_HASH)
        assert not report.errors, report.errors
        assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    db.session.commit()

    edited = csv_bytes.decode("utf-8-sig").replace("冯医生", "冯大夫").encode("utf-8-sig")
    report = import_roster("users.csv", edited, dry_run=False, max_rows=1000,
                           hash_method=TEST_HASH)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    db.session.commit()
    db.session.expire_all()
    assert person("10010").name == "冯大夫"
    assert db.session.get(User, person("supervisor").id).led_departments

    departments, _book = _both(client, "/admin/org/export?table=departments")
    assert ["星河医疗美容医院", "整形外科 / 病房护理组", "1"] in departments
    assert 'data-testid="export-positions"' in client.get("/admin/positions").text
    for table in ("hospitals", "positions", "metrics"):
        assert len(_both(client, f"/admin/org/export?table={table}")[0]) > 1

    client.post("/auth/language", data={"lang": "en"})
    english = _csv(client, url)
    assert english[0][:4] == ["Employee number", "Name", "Hospital", "Department"]
    report = import_roster("en.csv", client.get(_with(url, "csv")).data,
                           dry_run=True, max_rows=1000, hash_method=TEST_HASH)
    assert not report.errors and report.unchanged == 5
