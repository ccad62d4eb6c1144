"""Who owes an assignment (computed from the organisation as it is now) and each person's
status, all in SQL: membership by position and department follows joins, moves and
departures; a supervisor's targets stay inside their departments; statuses and due dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Acknowledgement, CourseVersion, LessonProgress, SopVersion, User
from app.models.assignments import Assignment, LearningPath, PathStage, PathStageItem
from app.services.assign.assignments import AssignmentData, create_assignment, extend_due
from app.services.assign.status import status_query
from app.services.errors import DomainError
from app.services.quiz import attempts
from tests.learning_factories import (
    department,
    make_course,
    make_sop,
    person,
    position,
    republish_sop,
)
from tests.quiz_factories import make_quiz, single

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _assign(actor_login: str, kind: str, item_id: int, **targets) -> Assignment:
    data = AssignmentData(kind=kind, item_id=item_id, **targets)
    data.starts_at = data.starts_at or NOW - timedelta(days=1)
    assignment = create_assignment(person(actor_login), data, NOW)
    db.session.commit()
    return assignment


def _statuses(assignment: Assignment, now: datetime = NOW) -> dict[str, str]:
    rows = db.session.execute(status_query(now, Assignment.id == assignment.id)).all()
    logins = dict(db.session.execute(select(User.id, User.login)).all())
    return {logins[row.user_id]: row.status for row in rows}


@pytest.fixture
def course(demo):
    return make_course("assigned-course", [("one", "第一课", "正文"), ("two", "第二课", "正文")])


def test_a_position_target_follows_joins_moves_and_departures(course):
    assignment = _assign("admin", "course", course.id, position_ids=[position("护士").id])
    assert set(_statuses(assignment)) == {"supervisor", "10009"}
    newcomer = person("10012")
    newcomer.position_id = position("护士").id  # joins the position later
    db.session.commit()
    assert set(_statuses(assignment)) == {"supervisor", "10009", "10012"}
    leaver = person("10009")
    leaver.active = False  # leaves the clinic
    db.session.commit()
    assert set(_statuses(assignment)) == {"supervisor", "10012"}


def test_a_department_target_includes_its_sub_departments_and_follows_moves(course):
    assignment = _assign("admin", "course", course.id,
                         department_ids=[department("整形外科").id])
    assert set(_statuses(assignment)) == {"supervisor", "10007", "10008", "10009", "10010"}
    mover = person("10007")
    mover.department_id = department("前台").id
    db.session.commit()
    assert "10007" not in _statuses(assignment)


def test_a_supervisor_position_target_stays_inside_their_departments(course):
    assignment = _assign("supervisor", "course", course.id,
                         position_ids=[position("咨询师").id])
    assert set(_statuses(assignment)) == {"10007"}  # not 马丽 of 美容皮肤科


@pytest.mark.parametrize("targets", [
    {"user_ids": ["10012"]}, {"department_ids": ["美容皮肤科"]}])
def test_a_supervisor_cannot_target_outside_their_departments(course, targets):
    resolved = {
        key: [person(v).id if key == "user_ids" else department(v).id for v in values]
        for key, values in targets.items()}
    with pytest.raises(DomainError):
        create_assignment(person("supervisor"),
                          AssignmentData(kind="course", item_id=course.id, **resolved), NOW)
    db.session.rollback()
    assert db.session.scalar(select(Assignment.id)) is None


def test_course_status_moves_from_not_started_to_completed(course):
    employee = person("employee")
    assignment = _assign("admin", "course", course.id, user_ids=[employee.id],
                         due_at=NOW + timedelta(days=3))
    assert _statuses(assignment) == {"employee": "not_started"}
    version_id = db.session.scalar(select(CourseVersion.id))
    row = LessonProgress(user_id=employee.id, course_id=course.id, lesson_key="one",
                         version_id=version_id, completed_at=NOW)
    db.session.add(row)
    db.session.commit()
    assert _statuses(assignment) == {"employee": "in_progress"}
    assert _statuses(assignment, NOW + timedelta(days=4)) == {"employee": "overdue"}
    db.session.add(LessonProgress(user_id=employee.id, course_id=course.id, lesson_key="two",
                                  version_id=row.version_id, completed_at=NOW))
    db.session.commit()
    assert _statuses(assignment, NOW + timedelta(days=4)) == {"employee": "completed"}


def test_an_extension_moves_one_persons_due_date(course):
    assignment = _assign("admin", "course", course.id,
                         user_ids=[person("employee").id, person("10005").id],
                         due_at=NOW + timedelta(days=1))
    later = NOW + timedelta(days=2)
    assert set(_statuses(assignment, later).values()) == {"overdue"}
    extend_due(person("admin"), assignment, person("employee"), NOW + timedelta(days=5), NOW)
    db.session.commit()
    assert _statuses(assignment, later) == {"employee": "not_started", "10005": "overdue"}


def test_quiz_status_passed_and_failed(demo):
    quiz = make_quiz([single()], max_attempts=1)
    passer, failer = person("employee"), person("10005")
    assignment = _assign("admin", "quiz", quiz.id, user_ids=[passer.id, failer.id])
    for user, answer in ((passer, 1), (failer, 0)):
        attempt = attempts.start(quiz, user, NOW)
        attempts.save_answer(attempt, 0, answer, NOW)
        attempts.submit(attempt, NOW)
    db.session.commit()
    assert _statuses(assignment) == {"employee": "completed", "10005": "failed"}


def test_sop_status_follows_re_acknowledgement(demo):
    module = make_sop("assigned-sop")
    employee = person("employee")
    assignment = _assign("admin", "sop", module.id, user_ids=[employee.id])
    first = db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id))
    db.session.add(Acknowledgement(user_id=employee.id, module_id=module.id,
                                   version_id=first.id))
    db.session.commit()
    assert _statuses(assignment) == {"employee": "completed"}
    republish_sop(module, [{"key": "one", "title": "改过的第一步"}], "改", requires_reack=True)
    assert _statuses(assignment) == {"employee": "in_progress"}


def test_an_onboarding_path_is_due_days_after_each_persons_start(course):
    path = LearningPath(title="新人路径", mode="gated")
    stage = PathStage(title="第一关", rank=0)
    stage.items = [PathStageItem(kind="course", course_id=course.id)]
    path.stages = [stage]
    db.session.add(path)
    db.session.commit()
    newcomer = person("10006")
    newcomer.hire_date = (NOW - timedelta(days=10)).date()
    newcomer.created_at = NOW  # the account was made later: the hire date counts
    db.session.commit()
    assignment = _assign("admin", "path", path.id, position_ids=[position("前台").id],
                         due_days=7, starts_at=NOW - timedelta(days=30))
    assert _statuses(assignment) == {"10006": "overdue"}
    newcomer.hire_date = (NOW - timedelta(days=2)).date()
    db.session.commit()
    assert _statuses(assignment) == {"10006": "not_started"}


def test_a_cancelled_assignment_is_owed_by_nobody(course):
    assignment = _assign("admin", "course", course.id, user_ids=[person("employee").id])
    assignment.cancelled_at = NOW
    db.session.commit()
    assert _statuses(assignment) == {}


def _two_stage_path(mode: str, first, second) -> LearningPath:
    path = LearningPath(title="新人闯关", mode=mode)
    one = PathStage(title="第一关", rank=0)
    one.items = [PathStageItem(kind="course", course_id=first.id)]
    two = PathStage(title="第二关", rank=1, opens_after_days=7)
    two.items = [PathStageItem(kind="quiz", quiz_id=second.id)]
    path.stages = [one, two]
    db.session.add(path)
    db.session.commit()
    return path


def test_a_gated_stage_opens_when_the_one_before_is_done(course):
    from app.services.assign.paths import path_state, unlocked_items

    quiz = make_quiz([single()])
    path = _two_stage_path("gated", course, quiz)
    employee = person("employee")
    assignment = _assign("admin", "path", path.id, user_ids=[employee.id])
    stages = path_state(employee, path, NOW, NOW)
    assert [s.locked for s in stages] == [False, True]
    assert "第一关" in str(stages[1].reason)
    assert unlocked_items(stages)["quiz"] == set()
    version_id = db.session.scalar(select(CourseVersion.id))
    for key in ("one", "two"):
        db.session.add(LessonProgress(user_id=employee.id, course_id=course.id,
                                      lesson_key=key, version_id=version_id, completed_at=NOW))
    db.session.commit()
    stages = path_state(employee, path, NOW, NOW)
    assert [s.locked for s in stages] == [False, False]
    assert [s.complete for s in stages] == [True, False]
    assert _statuses(assignment) == {"employee": "in_progress"}
    attempt = attempts.start(quiz, employee, NOW)
    attempts.save_answer(attempt, 0, 1, NOW)
    attempts.submit(attempt, NOW)
    db.session.commit()
    assert _statuses(assignment) == {"employee": "completed"}


def test_a_dated_stage_opens_days_after_the_persons_start(course):
    from app.services.assign.paths import path_state

    path = _two_stage_path("dated", course, make_quiz([single()]))
    employee = person("employee")
    assert [s.locked for s in path_state(employee, path, NOW, NOW + timedelta(days=6))] == \
        [False, True]
    opened = path_state(employee, path, NOW, NOW + timedelta(days=7))
    assert not opened[1].locked and opened[1].opens_at == NOW + timedelta(days=7)


def test_a_re_acknowledgement_is_assigned_to_the_modules_audience(demo):
    from app.services.assign.assignments import assign_reacknowledgement

    module = make_sop("reack-sop", positions=("护士",))
    nurse = person("10009")
    first = db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id))
    db.session.add(Acknowledgement(user_id=nurse.id, module_id=module.id, version_id=first.id))
    second = republish_sop(module, [{"key": "one", "title": "新流程"}], "流程变了",
                           requires_reack=False)
    assignment = assign_reacknowledgement(module, second, NOW + timedelta(days=3), None, NOW)
    db.session.commit()
    assert _statuses(assignment) == {"supervisor": "not_started", "10009": "in_progress"}
    db.session.add(Acknowledgement(user_id=nurse.id, module_id=module.id,
                                   version_id=second.id))
    db.session.commit()
    assert _statuses(assignment)["10009"] == "completed"


def _signed_off_run(module, user, at: datetime, status: str = "signed_off"):
    from app.models import PracticeRun
    version = db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id))
    run = PracticeRun(user_id=user.id, module_id=module.id, version_id=version.id,
                      case_code="CRM-1", status=status,
                      signed_off_at=at if status == "signed_off" else None)
    db.session.add(run)
    db.session.commit()
    return run


def test_practise_n_times_completes_at_the_nth_signed_off_run(demo):
    module = make_sop("practised-sop")
    employee = person("employee")
    given = datetime.now(UTC)
    _signed_off_run(module, employee, given - timedelta(days=30))  # before: does not count
    assignment = _assign("admin", "sop", module.id, user_ids=[employee.id],
                         acknowledge=False, practice_runs=2)
    assert _statuses(assignment) == {"employee": "in_progress"}  # practised, not enough
    _signed_off_run(module, employee, given + timedelta(hours=1))
    _signed_off_run(module, employee, given + timedelta(hours=2), status="submitted")
    assert _statuses(assignment) == {"employee": "in_progress"}
    _signed_off_run(module, employee, given + timedelta(hours=3))
    rows = db.session.execute(status_query(NOW, Assignment.id == assignment.id)).all()
    assert [(row.status, row.done_at) for row in rows] == [
        ("completed", given + timedelta(hours=3))]


def test_acknowledge_and_practise_needs_both(demo):
    module = make_sop("both-sop")
    employee = person("employee")
    assignment = _assign("admin", "sop", module.id, user_ids=[employee.id],
                         acknowledge=True, practice_runs=1)
    assert _statuses(assignment) == {"employee": "not_started"}
    _signed_off_run(module, employee, datetime.now(UTC) + timedelta(minutes=1))
    assert _statuses(assignment) == {"employee": "in_progress"}  # practised, not acknowledged
    first = db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id))
    db.session.add(Acknowledgement(user_id=employee.id, module_id=module.id,
                                   version_id=first.id))
    db.session.commit()
    assert _statuses(assignment) == {"employee": "completed"}


def test_my_tasks_counts_the_runs_signed_off_towards_a_practice_assignment(demo):
    from app.services.assign.tasks import my_tasks
    module = make_sop("task-practice-sop")
    employee = person("employee")
    assignment = _assign("admin", "sop", module.id, user_ids=[employee.id],
                         acknowledge=False, practice_runs=3)
    _signed_off_run(module, employee, datetime.now(UTC) + timedelta(minutes=1))
    _signed_off_run(module, employee, datetime.now(UTC) + timedelta(minutes=2),
                    status="returned")
    open_tasks, _done = my_tasks(employee, NOW, "Asia/Shanghai")
    task = next(t for t in open_tasks if t.assignment.id == assignment.id)
    assert (task.done, task.total, task.status) == (1, 3, "in_progress")
