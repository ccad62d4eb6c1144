"""我的任务: what one person owes — every started assignment with its item, status, due date
(and the days left or overdue, in local calendar days), progress and the next thing to do.
A constant number of statements, however many assignments: the status query, the items,
the paths' stages (`path_states`), lessons done per course and attempts per quiz.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select

from app.extensions import db
from app.models import (
    Course,
    CourseVersion,
    CourseVersionLesson,
    LessonProgress,
    PracticeRun,
    Quiz,
    QuizAttempt,
    SopModule,
    User,
)
from app.models.assignments import Assignment, LearningPath
from app.services.assign.paths import StageState, path_states, personal_start
from app.services.assign.status import status_query
from app.services.content.audience import latest_course_numbers

FAR_FUTURE = datetime.max.replace(tzinfo=ZoneInfo("UTC"))


@dataclass
class Step:
    """Something to open: a course, quiz or SOP module by its slug."""

    kind: str
    slug: str
    title: str


@dataclass
class Task:
    assignment: Assignment
    status: str
    due_at: datetime | None
    done_at: datetime | None
    kind: str
    title: str
    slug: str = ""
    days: int | None = None  # local calendar days until the due date (negative: overdue)
    done: int | None = None  # lessons, or items of a path, done …
    total: int | None = None  # … out of
    attempts: int = 0
    best: float | None = None
    next_step: Step | None = None
    path: LearningPath | None = None
    stages: list[StageState] | None = None

    @property
    def open(self) -> bool:
        return self.status != "completed"


def only(user: User):
    return select(User.id).where(User.id == user.id)


def owed_count(user: User, now: datetime) -> int:
    """How many started assignments the user has not completed (one COUNT)."""
    rows = status_query(now, User.id == user.id, Assignment.starts_at <= now,
                        user_filter=only(user)).subquery()
    return db.session.scalar(select(func.count()).select_from(rows)
                             .where(rows.c.status != "completed"))


def my_tasks(user: User, now: datetime, zone: str) -> tuple[list[Task], list[Task]]:
    """(open tasks: overdue first, then by due date, none last; completed: newest first)."""
    tasks = _tasks(user, now, zone)
    open_tasks = sorted((t for t in tasks if t.open), key=lambda t: (
        t.status != "overdue", t.due_at or FAR_FUTURE, t.assignment.id))
    done = sorted((t for t in tasks if not t.open),
                  key=lambda t: (t.done_at or now, t.assignment.id), reverse=True)
    return open_tasks, done


def path_task(user: User, assignment_id: int, now: datetime, zone: str) -> Task | None:
    """A path assignment the user owes (started), with its stages; None otherwise."""
    found = _tasks(user, now, zone, Assignment.id == assignment_id, Assignment.kind == "path")
    return found[0] if found else None


def _tasks(user: User, now: datetime, zone: str, *where) -> list[Task]:
    rows = db.session.execute(status_query(now, User.id == user.id,
                                           Assignment.starts_at <= now, *where,
                                           user_filter=only(user))).all()
    items = _items([row.assignment_id for row in rows])
    local = ZoneInfo(zone)
    today = now.astimezone(local).date()
    tasks = []
    for row in rows:
        assignment, path, title, slug = items[row.assignment_id]
        task = Task(assignment, row.status, row.due_at, row.done_at, assignment.kind, title,
                    slug, path=path)
        if row.due_at is not None:
            task.days = (row.due_at.astimezone(local).date() - today).days
        tasks.append(task)
    _add_paths(user, [t for t in tasks if t.kind == "path"], now)
    _add_courses(user, [t for t in tasks if t.kind == "course"])
    _add_quizzes(user, [t for t in tasks if t.kind == "quiz"])
    _add_practice(user, [t for t in tasks if t.kind == "sop" and t.assignment.practice_runs])
    for task in tasks:
        if task.kind != "path" and task.open:
            task.next_step = Step(task.kind, task.slug, task.title)
    return tasks


def _items(ids: list[int]) -> dict[int, tuple]:
    """assignment id → (assignment, path, item title, item slug)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Assignment, LearningPath, Course.title, Course.slug, Quiz.title, Quiz.slug,
               SopModule.title, SopModule.slug, LearningPath.title)
        .outerjoin(Course, Course.id == Assignment.course_id)
        .outerjoin(Quiz, Quiz.id == Assignment.quiz_id)
        .outerjoin(SopModule, SopModule.id == Assignment.sop_module_id)
        .outerjoin(LearningPath, LearningPath.id == Assignment.path_id)
        .where(Assignment.id.in_(ids)))
    found = {}
    for assignment, path, *names in rows:
        index = {"course": 0, "quiz": 2, "sop": 4, "path": 6}[assignment.kind]
        slug = names[index + 1] if index < 6 else ""
        found[assignment.id] = (assignment, path, names[index] or "", slug or "")
    return found


def _add_paths(user: User, tasks: list[Task], now: datetime) -> None:
    pairs = [(task.path, personal_start(task.assignment, user)) for task in tasks]
    for task, stages in zip(tasks, path_states(user, pairs, now), strict=True):
        task.stages = stages
        task.done = sum(stage.done for stage in stages)
        task.total = sum(len(stage.items) for stage in stages)
        task.next_step = next_in_path(stages)


def next_in_path(stages: list[StageState]) -> Step | None:
    """The first item of an open stage not done yet (None: nothing open is left)."""
    for stage in stages:
        if stage.locked:
            continue
        for item in stage.items:
            if not item.done:
                return Step(item.item.kind, item.slug, item.title)
    return None


def _add_courses(user: User, tasks: list[Task]) -> None:
    """Lessons of the latest version completed, per course: one statement."""
    ids = {task.assignment.course_id for task in tasks}
    if not ids:
        return
    latest = latest_course_numbers()
    completed = and_(LessonProgress.user_id == user.id,
                     LessonProgress.course_id == CourseVersion.course_id,
                     LessonProgress.lesson_key == CourseVersionLesson.key,
                     LessonProgress.completed_at.is_not(None))
    counts = {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(CourseVersion.course_id, func.count(LessonProgress.id),
               func.count(CourseVersionLesson.id))
        .join(latest, and_(latest.c.course_id == CourseVersion.course_id,
                           latest.c.number == CourseVersion.number))
        .join(CourseVersionLesson, CourseVersionLesson.version_id == CourseVersion.id)
        .outerjoin(LessonProgress, completed)
        .where(CourseVersion.course_id.in_(ids))
        .group_by(CourseVersion.course_id))}
    for task in tasks:
        task.done, task.total = counts.get(task.assignment.course_id, (0, 0))


def _add_quizzes(user: User, tasks: list[Task]) -> None:
    """Attempts made and the best finished score, per quiz: one statement."""
    ids = {task.assignment.quiz_id for task in tasks}
    if not ids:
        return
    stats = {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(QuizAttempt.quiz_id, func.count(QuizAttempt.id), func.max(QuizAttempt.percent))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id.in_(ids))
        .group_by(QuizAttempt.quiz_id))}
    for task in tasks:
        task.attempts, task.best = stats.get(task.assignment.quiz_id, (0, None))


def _add_practice(user: User, tasks: list[Task]) -> None:
    """Runs signed off since each SOP assignment was given (what counts towards it): one
    statement."""
    if not tasks:
        return
    signed = dict(db.session.execute(
        select(Assignment.id, func.count(PracticeRun.id))
        .join(PracticeRun, and_(PracticeRun.module_id == Assignment.sop_module_id,
                                PracticeRun.user_id == user.id,
                                PracticeRun.status == "signed_off",
                                PracticeRun.signed_off_at >= Assignment.created_at))
        .where(Assignment.id.in_([task.assignment.id for task in tasks]))
        .group_by(Assignment.id)).all())
    for task in tasks:
        task.done = signed.get(task.assignment.id, 0)
        task.total = task.assignment.practice_runs
