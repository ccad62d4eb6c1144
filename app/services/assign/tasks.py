"""我的任务: what one person owes — every started assignment with its item, status, due date
(and the days left or overdue, in local calendar days), progress and the next thing to do.
A constant number of statements, however many assignments: the status query, the items,
the paths' stages (`path_states`), lessons done per course and attempts per quiz.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment, LearningPath
from app.services.assign.paths import StageState, Step, next_in_path
from app.services.assign.status import status_query
from app.services.items import KINDS, kind_of
from app.services.items.kinds import PATH

__all__ = ["Step", "Task", "my_tasks", "next_in_path", "owed_count", "path_task"]

FAR_FUTURE = datetime.max.replace(tzinfo=ZoneInfo("UTC"))


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
    item: object = None  # the course, quiz, SOP module or path

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
    found = _tasks(user, now, zone, Assignment.id == assignment_id, Assignment.kind == PATH.key)
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
        assignment, item = items[row.assignment_id]
        task = Task(assignment, row.status, row.due_at, row.done_at, assignment.kind,
                    getattr(item, "title", "") or "", getattr(item, "slug", "") or "", item=item)
        if row.due_at is not None:
            task.days = (row.due_at.astimezone(local).date() - today).days
        tasks.append(task)
    for kind in KINDS.values():
        if kind.task_details is not None:
            kind.task_details(user, [t for t in tasks if t.kind == kind.key], now)
    for task in tasks:
        if task.open and task.next_step is None and kind_of(task.kind).endpoint:
            task.next_step = Step(task.kind, task.slug, task.title)
    return tasks


def _items(ids: list[int]) -> dict[int, tuple]:
    """assignment id → (assignment, its course, quiz, SOP module or path)."""
    if not ids:
        return {}
    query = select(Assignment, *(kind.model for kind in KINDS.values()))
    for kind in KINDS.values():
        query = query.outerjoin(kind.model, kind.model.id == kind.reference(Assignment))
    return {assignment.id: (assignment, next((t for t in targets if t is not None), None))
            for assignment, *targets in db.session.execute(query.where(Assignment.id.in_(ids)))}
