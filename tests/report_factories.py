"""A fixture organisation with known assignments, attempts, reviews and results, for the
records and dashboard tests (every expected figure is computed by hand in those tests).

On the demo organisation, the demo supervisor leads 整形外科 (with 病房护理组) and 客服中心
(with 网络咨询组): seven active people — supervisor, 10007, 10008, 10010 (整形外科), 10009
(病房护理组), employee, 10005 (网络咨询组). 10012 (美容皮肤科) is outside their scope.

`team_fixture()` builds:
- course C "话术课程" (two lessons) for 客服中心, due NOW + 3 days, required:
  employee completed both lessons, 10005 one of them;
- exam Q "私域考试" (single choice + true/false, pass 60 %, at most 2 attempts) for 整形外科,
  due NOW − 1 day, required, and the same quiz for 10012 (outside the scope);
  10007: both right (100 %, passed); 10008: single right, t/f wrong (50 %), then both wrong
  (0 %), attempts used up; 10009: single right, t/f wrong (50 %);
  supervisor and 10010: nothing; 10012: both wrong (0 %);
- reviews of an SOP's runs: 10007 (accuracy 4, timeliness 5, communication 3, signed off),
  10009 (2, 3, 5, returned), 10012 (1, 1, 1, by the admin);
- metric "测试成交数" (weekly): this week 10007 = 3, 10009 = 2, 10012 = 10; last week 10007 = 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import CourseVersion, LessonProgress, Quiz
from app.models.assignments import Assignment
from app.models.results import Metric, MetricResult
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.quiz import attempts
from app.services.results.metrics import MetricData, create_metric
from tests.learning_factories import department, make_course, person
from tests.practice_factories import make_practice_sop, make_run
from tests.quiz_factories import make_quiz, single, true_false
from tests.review_helpers import decide

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
RIGHT = {"single": "1", "tf": "错"}
WRONG = {"single": "0", "tf": "对"}


@dataclass
class TeamFixture:
    course: object
    quiz: Quiz
    course_assignment: Assignment
    quiz_assignment: Assignment
    metric: Metric


def give(item, kind: str, *, by: str = "admin", due: datetime | None = None,
         required: bool = True, logins: tuple[str, ...] = (),
         departments: tuple[str, ...] = ()) -> Assignment:
    data = AssignmentData(kind=kind, item_id=item.id, due_at=due, required=required,
                          starts_at=NOW - timedelta(days=7),
                          user_ids=[person(login).id for login in logins],
                          department_ids=[department(name).id for name in departments])
    assignment = create_assignment(person(by), data, NOW)
    db.session.commit()
    return assignment


def take(quiz: Quiz, login: str, single_answer: str, tf_answer: str,
         at: datetime = NOW - timedelta(hours=2)):
    """`login` answers the two questions and hands the attempt in at `at`."""
    attempt = attempts.start(quiz, person(login), at)
    attempts.save_answer(attempt, 0, single_answer, at)
    attempts.save_answer(attempt, 1, tf_answer, at)
    attempts.submit(attempt, at + timedelta(minutes=1))
    db.session.commit()
    return attempt


def complete_lessons(course, login: str, keys: list[str],
                     at: datetime = NOW - timedelta(hours=3)) -> None:
    version_id = db.session.scalar(select(CourseVersion.id).where(
        CourseVersion.course_id == course.id))
    for key in keys:
        db.session.add(LessonProgress(user_id=person(login).id, course_id=course.id,
                                      lesson_key=key, version_id=version_id, completed_at=at,
                                      opened_at=at))
    db.session.commit()


def reviewed_run(login: str, module, reviewer: str, decision: str, scores: dict):
    run = make_run(login, module, status="submitted", now=NOW - timedelta(days=1))
    return decide(run, reviewer, decision, reason="回访要更及时" if decision == "returned" else "",
                  scores=scores)


def team_fixture() -> TeamFixture:
    course = make_course("report-course", [("one", "第一课", "正文"), ("two", "第二课", "正文")],
                         title="话术课程")
    quiz = make_quiz([single(), true_false()], slug="report-exam", title="私域考试",
                     pass_percent=60.0, max_attempts=2)
    course_assignment = give(course, "course", due=NOW + timedelta(days=3),
                             departments=("客服中心",))
    quiz_assignment = give(quiz, "quiz", due=NOW - timedelta(days=1), departments=("整形外科",))
    give(quiz, "quiz", due=NOW - timedelta(days=1), logins=("10012",))
    complete_lessons(course, "employee", ["one", "two"])
    complete_lessons(course, "10005", ["one"])
    take(quiz, "10007", RIGHT["single"], RIGHT["tf"])
    take(quiz, "10008", RIGHT["single"], WRONG["tf"], NOW - timedelta(hours=5))
    take(quiz, "10008", WRONG["single"], WRONG["tf"], NOW - timedelta(hours=4))
    take(quiz, "10009", RIGHT["single"], WRONG["tf"])
    take(quiz, "10012", WRONG["single"], WRONG["tf"])
    module = make_practice_sop("report-sop")
    reviewed_run("10007", module, "supervisor", "signed_off",
                 {"accuracy": 4, "timeliness": 5, "communication": 3})
    reviewed_run("10009", module, "supervisor", "returned",
                 {"accuracy": 2, "timeliness": 3, "communication": 5})
    reviewed_run("10012", module, "admin", "signed_off",
                 {"accuracy": 1, "timeliness": 1, "communication": 1})
    metric = create_metric(MetricData(name="测试成交数", unit="单", period="weekly"))
    db.session.flush()
    week = NOW.date() - timedelta(days=NOW.weekday())
    for login, start, value in (("10007", week, 3), ("10009", week, 2), ("10012", week, 10),
                                ("10007", week - timedelta(days=7), 4)):
        db.session.add(MetricResult(metric_id=metric.id, user_id=person(login).id,
                                    period_start=start, value=value, status="confirmed",
                                    source="self", note=""))
    db.session.commit()
    return TeamFixture(course, quiz, course_assignment, quiz_assignment, metric)

