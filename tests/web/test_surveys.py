"""Surveys (问卷) as an item kind: built by a trainer, assigned to a department through the
item registry, answered on 我的任务, seen on the dashboard; anonymous for real; results only
from five answers; text answers through the PII guard; the Excel download."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import Date, DateTime, Integer, func, select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import SurveyAnswer, SurveyCompletion, SurveyRespondent, SurveyResponse
from app.models.base import utcnow
from app.models.surveys import Survey
from app.services.assign.actions import assign_and_notify
from app.services.assign.assignments import AssignmentData
from app.services.assign.reminders import owed_items
from app.services.surveys.questions import read_answers
from tests.learning_factories import department, make_course, person
from tests.survey_factories import answer, make_survey

PEOPLE = ("employee", "10005", "10006", "10007", "10008")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _build_through_the_pages(client) -> Survey:
    page = client.post("/manage/surveys", data={"title": "培训满意度", "anonymous": "y"})
    survey = db.session.scalar(select(Survey).where(Survey.title == "培训满意度"))
    assert page.headers["Location"].endswith(f"/manage/surveys/{survey.id}")
    for kind, text, options in (("text", "建议", ""), ("single", "讲师", "好\n一般"),
                                ("rating", "总体评分", "")):
        client.post(f"/manage/surveys/{survey.id}/questions",
                    data={"type": kind, "text": text, "options": options, "required": "y"})
    bad = client.post(f"/manage/surveys/{survey.id}/questions", follow_redirects=True,
                      data={"type": "single", "text": "只有一个选项", "options": "好"})
    assert "请填写 2 到 20 个选项" in bad.text
    first = survey.questions[0]
    client.post(f"/manage/survey-questions/{first.id}/move", data={"direction": "down"})
    client.post(f"/manage/survey-questions/{first.id}/move", data={"direction": "down"})
    db.session.expire_all()
    assert [q.text for q in survey.questions] == ["讲师", "总体评分", "建议"]
    builder = client.get(f"/manage/surveys/{survey.id}").text
    assert "data-keep-draft" in builder  # the builder's settings autosave (drafts.js)
    client.post(f"/manage/surveys/{survey.id}/publish")
    db.session.refresh(survey)
    assert survey.state == "published"
    return survey


def test_a_survey_is_built_assigned_answered_and_counted_like_any_item(client, auth, demo):
    auth.as_role("trainer")
    survey = _build_through_the_pages(client)
    auth.logout()
    auth.as_role("admin")
    form = client.get("/team/assignments/new").text
    assert '<optgroup label="问卷">' in form and f'value="survey:{survey.id}"' in form
    assignment = assign_and_notify(person("admin"), AssignmentData(
        kind="survey", item_id=survey.id, department_ids=[department("客服中心").id],
        due_at=utcnow() + timedelta(days=1)), utcnow())
    db.session.commit()
    owed = {(item.user_name, item.kind, item.title) for item in owed_items(utcnow(), 3)}
    assert {("王小雨", "survey", "培训满意度"), ("赵晴", "survey", "培训满意度")} <= owed
    auth.logout()
    auth.as_role("employee")
    assert "培训满意度" in client.get("/learn/tasks").text
    assert "培训满意度" in client.get("/notifications/").text
    url = f"/learn/surveys/{survey.slug}"
    single, rating, text = (f"q{q.id}" for q in survey.questions)
    missing = client.post(url, data={single: "0"})
    assert missing.status_code == 200 and "此题必答" in missing.text
    phone = client.post(url, data={single: "0", rating: "4", text: "客户电话13812345678"})
    assert "手机号" in phone.text and 'value="0" checked' in phone.text
    assert _count(SurveyCompletion) == _count(SurveyResponse) == 0  # nothing half-written
    assert client.post(url, data={single: "1", rating: "4", text: "很实用"}).status_code == 302
    assert "您已填写此问卷" in client.get(url).text
    again = client.post(url, data={single: "1", rating: "5", text: "再答一次"},
                        follow_redirects=True)
    assert "您已经填写过此问卷" in again.text and _count(SurveyResponse) == 1
    auth.logout()
    auth.as_role("supervisor")
    dashboard = client.get(f"/team/dashboard?assignment={assignment.id}").text
    row = dashboard[dashboard.index("王小雨"):]
    assert 'data-status="completed"' in row[:row.index("</tr>")]
    other = dashboard[dashboard.index("赵晴"):]
    assert 'data-status="not_started"' in other[:other.index("</tr>")]
    record = client.get(f"/team/members/{person('employee').id}/record").text
    assert "培训满意度" in record
    auth.logout()
    auth.as_role("trainer")  # after publishing the title may change, the anonymity not
    client.post(f"/manage/surveys/{survey.id}", data={"title": "培训满意度调查"})
    db.session.refresh(survey)
    assert (survey.title, survey.anonymous) == ("培训满意度调查", True)


def test_a_survey_attached_to_a_course_is_asked_once_the_course_is_done(client, auth, demo):
    course = make_course("evaluated-course", [("one", "第一课", "正文")], title="被评估的课程")
    survey = make_survey([("rating", "评分", [], True)], title="课程评估")
    auth.as_role("trainer")
    client.post(f"/manage/surveys/{survey.id}/attachments", data={"item": f"course:{course.id}"})
    assert "被评估的课程" in client.get(f"/manage/surveys/{survey.id}").text
    auth.logout()
    auth.as_role("employee")
    assert "evaluation-prompt" not in client.get("/learn/courses/evaluated-course").text
    client.post("/learn/courses/evaluated-course/one/progress", data={"event": "complete"})
    prompt = client.get("/learn/courses/evaluated-course").text
    assert "evaluation-prompt" in prompt and f"/learn/surveys/{survey.slug}" in prompt
    client.post(f"/learn/surveys/{survey.slug}", data={f"q{survey.questions[0].id}": "5"})
    assert "evaluation-prompt" not in client.get("/learn/courses/evaluated-course").text


def _statements(client, count_statements, urls) -> list[int]:
    counts = []
    for url in urls:
        with count_statements() as counted:
            assert client.get(url).status_code == 200
        counts.append(counted())
    return counts


def test_statement_counts_do_not_grow_with_answers(client, auth, demo, count_statements):
    survey = make_survey(title="统计问卷")
    assign_and_notify(person("admin"), AssignmentData(
        kind="survey", item_id=survey.id,
        department_ids=[department("客服中心").id, department("整形外科").id]), utcnow())
    for login in PEOPLE:
        answer(survey, login, {0: 0, 2: 4, 3: 9, 4: "好"})
    auth.as_role("admin")  # the results (a trainer's page) and the team dashboard
    urls = [f"/manage/surveys/{survey.id}/results", "/team/dashboard"]
    few = _statements(client, count_statements, urls)
    for login in ("10009", "10010", "10011", "10012"):
        answer(survey, login, {0: 1, 1: [0, 2], 2: 2, 3: 3})
    assert _statements(client, count_statements, urls) == few


def test_nothing_links_an_anonymous_answer_to_a_person(app, demo):
    for model in (SurveyResponse, SurveyAnswer):
        table = model.__table__
        targets = {fk.column.table.name for fk in table.foreign_keys}
        assert targets <= {"surveys", "survey_responses", "survey_questions"}, table.name
        assert not any(isinstance(c.type, DateTime | Date) for c in table.columns)
        assert not any(isinstance(c.type, Integer) for c in table.primary_key.columns)
        assert table.dialect_options["sqlite"]["with_rowid"] is False
    completions = SurveyCompletion.__table__
    assert {fk.column.table.name for fk in completions.foreign_keys} == {"surveys", "users"}
    linking = [t for t in db.metadata.sorted_tables
               if any(fk.column.table.name in ("survey_responses", "survey_answers")
                      for fk in t.foreign_keys) and "user_id" in t.c]
    assert linking == [SurveyRespondent.__table__]  # written for named surveys only
    anonymous, named = make_survey(title="匿名"), make_survey(title="实名", anonymous=False)
    answer(anonymous, "employee", {0: 0, 2: 5, 3: 10})
    answer(named, "employee", {0: 0, 2: 5, 3: 10})
    respondents = db.session.execute(select(SurveyRespondent.user_id, SurveyResponse.survey_id)
                                     .join(SurveyResponse)).all()
    assert respondents == [(person("employee").id, named.id)]
    keys = db.session.scalars(select(SurveyResponse.id)).all()
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)


def test_results_show_from_five_answers_and_a_closed_survey_takes_no_more(client, auth, demo):
    survey = make_survey(title="五人问卷")
    for login, nps in zip(PEOPLE[:4], (10, 10, 9, 3), strict=True):
        answer(survey, login, {0: 0, 1: [0, 1], 2: 4, 3: nps, 4: "讲得清楚"})
    auth.as_role("trainer")
    hidden = client.get(f"/manage/surveys/{survey.id}/results").text
    assert 'data-testid="results-hidden"' in hidden and "至少需要 5 人" in hidden
    assert "讲得清楚" not in hidden
    export = client.get(f"/manage/surveys/{survey.id}/results/export?format=xlsx")
    assert len(list(load_workbook(io.BytesIO(export.data)).active.iter_rows())) == 1
    answer(survey, PEOPLE[4], {0: 1, 2: 2, 3: 7})
    page = client.get(f"/manage/surveys/{survey.id}/results").text
    assert "results-hidden" not in page and "<svg" in page
    assert "净推荐值（NPS）：40" in page  # 3 promoters, 1 detractor of 5
    assert "平均分：3.6" in page and page.count("讲得清楚") == 4
    export = client.get(f"/manage/surveys/{survey.id}/results/export?format=xlsx")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(export.data)).active
            .iter_rows()]
    assert rows[0] == [q.text for q in survey.questions] and len(rows) == 6
    assert sorted(r[3] for r in rows[1:]) == [3, 7, 9, 10, 10]
    assert sorted(r[1] or "" for r in rows[1:]) == ["", *["话术；流程"] * 4]
    client.post(f"/manage/surveys/{survey.id}/close")
    auth.logout()
    auth.as_role("supervisor")
    closed = client.post(f"/learn/surveys/{survey.slug}", follow_redirects=True,
                         data={f"q{survey.questions[0].id}": "0"})
    assert "此问卷已关闭" in closed.text and _count(SurveyResponse) == 5


def test_naughty_text_answers_are_kept_as_typed_or_refused_with_a_reason(client, auth, demo,
                                                                         shared_dir):
    strings = json.loads((shared_dir / "testdata/blns/blns.json").read_text("utf-8"))
    sample = strings[::60] + ["<script>alert(1)</script>", "\x00", "身份证110101199003078515"]
    survey = make_survey([("text", f"第{i}题", [], False) for i in range(len(sample))],
                         title="奇怪的字符", anonymous=False)
    form = MultiDict({f"q{q.id}": s for q, s in zip(survey.questions, sample, strict=True)})
    answers, errors = read_answers(survey.questions, form)
    assert errors and all(errors.values())  # each refusal says why
    assert len(errors) < len(sample) // 2
    kept = MultiDict({f"q{q.id}": fields["text"] for q, fields in answers})
    auth.as_role("employee")
    assert client.post(f"/learn/surveys/{survey.slug}", data=kept).status_code == 302
    auth.logout()
    auth.as_role("trainer")
    page = client.get(f"/manage/surveys/{survey.id}/results").text
    assert "<script>alert(1)</script>" not in page
    for _question, fields in answers:
        if fields["text"].strip():
            assert str(escape(fields["text"])) in page
