"""The team dashboard's figures on a fixture organisation (tests/report_factories.py), each
expected number computed by hand in the comments."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.reports import dashboard, team_extra
from app.services.reports.filters import Filters, make_view
from tests.learning_factories import department, person, position
from tests.report_factories import NOW, team_fixture


@pytest.fixture
def team(demo):
    return team_fixture()


def _view(login: str = "supervisor", **filters):
    return make_view(person(login), Filters(**filters), NOW)


def _by_title(found):
    return {column.title: column for column in found}


def test_rates_per_assignment_and_overall(team):
    found = _by_title(dashboard.columns(_view()))
    assert set(found) == {"私域考试", "话术课程"}  # not the exam given to 10012 alone
    exam, course = found["私域考试"].rates, found["话术课程"].rates
    # exam, owed by the five of 整形外科: 10007 passed; 10008 used both attempts (failed);
    # 10009 (one failed attempt), supervisor and 10010 (nothing) are past the due date.
    assert exam.owed == 5
    assert exam.counts == {"completed": 1, "failed": 1, "overdue": 3, "in_progress": 0,
                           "not_started": 0}
    assert exam.completion_rate == pytest.approx(20.0)  # 1 / 5
    assert exam.overdue_rate == pytest.approx(60.0)  # 3 / 5
    # course, owed by employee (both lessons: completed) and 10005 (one: in progress)
    assert (course.owed, course.completed, course.counts["in_progress"]) == (2, 1, 1)
    total = dashboard.overall(list(found.values()))
    assert total.owed == 7
    assert total.completion_rate == pytest.approx(100 * 2 / 7)  # 28.57 %
    assert total.overdue_rate == pytest.approx(100 * 3 / 7)  # 42.86 %


def test_the_matrix_shows_the_scope_only_with_each_status(team):
    view = _view()
    found = dashboard.columns(view)
    page = dashboard.matrix_page(view, found, 1)
    cells = {row.user.login: {c: cell.status for c, cell in row.cells.items()}
             for row in page.rows}
    assert set(cells) == {"supervisor", "employee", "10005", "10007", "10008", "10009",
                          "10010"}
    assert page.total == 7 and page.pages == 1
    exam_id = team.quiz_assignment.id
    assert cells["10008"] == {exam_id: "failed"}
    assert cells["10007"] == {exam_id: "completed"}
    assert cells["employee"] == {team.course_assignment.id: "completed"}
    assert cells["10005"] == {team.course_assignment.id: "in_progress"}


def test_people_are_paged_but_rates_count_everyone(team):
    view = _view()
    found = dashboard.columns(view)
    second = dashboard.matrix_page(view, found, 2, per_page=3)
    assert (second.total, second.pages, len(second.rows)) == (7, 3, 3)
    assert dashboard.overall(found).owed == 7


def test_quiz_table(team):
    view = _view()
    (row,) = dashboard.quiz_table(view, dashboard.columns(view))
    assert (row.title, row.owing, row.passed) == ("私域考试", 5, 1)
    assert row.pass_rate == pytest.approx(20.0)  # 1 passed / 5 owing
    # finished attempts of the scope: 100, 50, 0, 50 (10012's 0 is not counted)
    assert row.attempts == 4
    assert row.average == pytest.approx(50.0)  # 200 / 4
    assert row.attempt_pass_rate == pytest.approx(25.0)  # 1 / 4


def test_weakest_questions(team):
    view = _view()
    weakest = dashboard.weakest_questions(view, [team.quiz.id])
    # true/false: 10007 right, 10008 wrong twice, 10009 wrong → 1/4 = 0.25
    # single choice: 10007 right, 10008 right then wrong, 10009 right → 3/4 = 0.75
    assert [(q.type, q.mean, q.answers) for q in weakest] == [
        ("true_false", 0.25, 4), ("single_choice", 0.75, 4)]
    assert dashboard.weakest_questions(view, [team.quiz.id], limit=1)[0].type == "true_false"


def test_weakest_questions_need_enough_answers(team, monkeypatch):
    monkeypatch.setattr(dashboard, "WEAKEST_MIN_ANSWERS", 5)
    assert dashboard.weakest_questions(_view(), [team.quiz.id]) == []


def test_department_position_assignment_and_date_filters(team):
    course_only = _by_title(dashboard.columns(_view(department_id=department("客服中心").id)))
    assert list(course_only) == ["话术课程"]
    nurses = _view(position_id=position("护士").id)  # supervisor and 10009
    assert dashboard.overall(dashboard.columns(nurses)).counts["overdue"] == 2
    exam = _view(assignment_id=team.quiz_assignment.id)
    assert [c.title for c in dashboard.columns(exam)] == ["私域考试"]
    assert dashboard.matrix_page(exam, dashboard.columns(exam), 1).total == 5
    # due in the next days: only the course (due NOW + 3 days); people stay the same
    later = _view(date_from=NOW.date() + timedelta(days=1), date_to=NOW.date() + timedelta(days=5))
    assert [c.title for c in dashboard.columns(later)] == ["话术课程"]
    assert dashboard.matrix_page(later, [], 1).total == 7


def test_filters_outside_the_scope_are_ignored(team):
    outside = _view(department_id=department("美容皮肤科").id)
    assert outside.filters.department_id is None
    assert dashboard.matrix_page(outside, [], 1).total == 7
    other = make_view(person("supervisor"), Filters(assignment_id=_exam_of_10012()), NOW)
    assert other.filters.assignment_id is None


def _exam_of_10012() -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models.assignments import Assignment, AssignmentTarget

    return db.session.scalar(select(Assignment.id).join(AssignmentTarget).where(
        AssignmentTarget.user_id == person("10012").id))


def test_admin_sees_everyone(team):
    view = _view("admin")
    found = dashboard.columns(view)
    assert len(found) == 3
    assert "10012" in {row.user.login for row in dashboard.matrix_page(view, found, 1).rows}


def test_review_averages_per_criterion(team):
    (module,) = team_extra.review_averages(_view())
    assert (module.reviews, module.signed_off) == (2, 1)
    means = {key: c.mean for key, c in module.criteria.items()}
    # 10007 (4, 5, 3) and 10009 (2, 3, 5); 10012's (1, 1, 1) is outside the scope
    assert means == {"accuracy": 3.0, "timeliness": 4.0, "communication": 4.0}
    (everyone,) = team_extra.review_averages(_view("admin"))
    assert everyone.criteria["accuracy"].mean == pytest.approx(7 / 3)  # (4 + 2 + 1) / 3


def test_results_beside_training(team):
    trends = {t.metric.name: t for t in team_extra.results_beside_training(_view(), NOW.date())}
    trend = trends["测试成交数"]
    assert len(trend.points) == team_extra.TREND_PERIODS
    this_week, last_week = trend.points[-1], trend.points[-2]
    assert (this_week.total, this_week.people) == (5.0, 2)  # 3 + 2, not 10012's 10
    assert (last_week.total, last_week.people) == (4.0, 1)
    assert trend.points[0].total is None
    # two of the seven owed pairs were completed this week (today, before 09:00 UTC)
    assert this_week.training == pytest.approx(100 * 2 / 7)
    assert last_week.training == 0.0
