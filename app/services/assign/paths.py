"""A learning path as one person sees it: each stage with its items, what they have done,
and whether the stage is open — free (always), dated (from their start + the stage's days)
or gated (闯关: when every item of the stage before is done). Four statements, however
long the path (and however many paths, with `path_states`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Course, Quiz, SopModule, User
from app.models.assignments import Assignment, LearningPath, PathStage, PathStageItem
from app.services.assign.progress import course_progress, quiz_progress, sop_progress


@dataclass
class ItemState:
    item: PathStageItem
    title: str
    slug: str
    started: bool
    done: bool


@dataclass
class StageState:
    stage: PathStage
    items: list[ItemState] = field(default_factory=list)
    locked: bool = False
    reason: object = None
    opens_at: datetime | None = None

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def complete(self) -> bool:
        return bool(self.items) and self.done == len(self.items)


def personal_start(assignment: Assignment, user: User) -> datetime:
    """When the path started for this person: the assignment's start or their first day."""
    return max(assignment.starts_at, user.created_at)


def path_state(user: User, path: LearningPath, start: datetime,
               now: datetime) -> list[StageState]:
    """Every stage of `path` for `user`, with items, progress and locks."""
    return path_states(user, [(path, start)], now)[0]


def path_states(user: User, paths: list[tuple[LearningPath, datetime]],
                now: datetime) -> list[list[StageState]]:
    """`path_state` of several (path, personal start) pairs at once, in their order: the
    same four statements, however many paths."""
    if not paths:
        return []
    rows = db.session.execute(
        select(PathStageItem, PathStage, Course.title, Course.slug, Quiz.title, Quiz.slug,
               SopModule.title, SopModule.slug)
        .join(PathStage, PathStage.id == PathStageItem.stage_id)
        .outerjoin(Course, Course.id == PathStageItem.course_id)
        .outerjoin(Quiz, Quiz.id == PathStageItem.quiz_id)
        .outerjoin(SopModule, SopModule.id == PathStageItem.sop_module_id)
        .where(PathStage.path_id.in_({path.id for path, _start in paths}))
        .order_by(PathStage.rank, PathStage.id, PathStageItem.rank,
                  PathStageItem.id)).all()
    progress = _progress(user, [row[0] for row in rows])
    stages: dict[int, dict[PathStage, list[ItemState]]] = {}
    for item, stage, *names in rows:
        title, slug = _name(item.kind, names)
        started, done = progress.get((item.kind, _item_id(item)), (False, False))
        stages.setdefault(stage.path_id, {}).setdefault(stage, []).append(
            ItemState(item, title, slug, started, done))
    found = []
    for path, start in paths:
        ordered = [StageState(stage, list(items))
                   for stage, items in stages.get(path.id, {}).items()]
        _lock(path.mode, ordered, start, now)
        found.append(ordered)
    return found


def _name(kind: str, names: list) -> tuple[str, str]:
    index = {"course": 0, "quiz": 2, "sop": 4}[kind]
    return names[index] or "", names[index + 1] or ""


def _item_id(item: PathStageItem) -> int | None:
    return {"course": item.course_id, "quiz": item.quiz_id,
            "sop": item.sop_module_id}[item.kind]


def _progress(user: User, items: list[PathStageItem]) -> dict[tuple[str, int], tuple]:
    """(kind, item id) → (started, done) for the user: one statement per kind."""
    only_me = select(User.id).where(User.id == user.id)
    found = {}
    for kind, sub in (("course", course_progress(only_me)), ("quiz", quiz_progress(only_me)),
                      ("sop", sop_progress(only_me))):
        ids = [_item_id(i) for i in items if i.kind == kind]
        if not ids:
            continue
        for item_id, started, done in db.session.execute(
                select(sub.c.item_id, sub.c.started, sub.c.done).where(
                    sub.c.user_id == user.id, sub.c.item_id.in_(ids))):
            found[(kind, item_id)] = (bool(started), bool(done))
    return found


def _lock(mode: str, stages: list[StageState], start: datetime, now: datetime) -> None:
    previous_complete = True
    for index, state in enumerate(stages):
        if mode == "gated" and index and not previous_complete:
            state.locked = True
            state.reason = _l("Opens when you complete “%(title)s”.",
                              title=stages[index - 1].stage.title)
        elif mode == "dated":
            state.opens_at = start + timedelta(days=state.stage.opens_after_days)
            state.locked = now < state.opens_at  # the page says when, from opens_at
        previous_complete = previous_complete and state.complete


def unlocked_items(stages: list[StageState]) -> dict[str, set[int]]:
    """kind → ids of the items the person may open through this path now."""
    found: dict[str, set[int]] = {"course": set(), "quiz": set(), "sop": set()}
    for state in stages:
        if not state.locked:
            for item in state.items:
                found[item.item.kind].add(_item_id(item.item))
    return found
