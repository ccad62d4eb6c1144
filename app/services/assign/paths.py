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
from app.models import User
from app.models.assignments import Assignment, LearningPath, PathStage, PathStageItem
from app.services.items.registry import kinds_for


@dataclass
class Step:
    """Something to open: an item by its kind and slug."""

    kind: str
    slug: str
    title: str


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
    """When the path started for this person: the assignment's start or their hire day."""
    return max(assignment.starts_at, user.hire_start)


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
    kinds = kinds_for(PathStageItem)
    query = (select(PathStageItem, PathStage, *(kind.model for kind in kinds))
             .join(PathStage, PathStage.id == PathStageItem.stage_id))
    for kind in kinds:
        query = query.outerjoin(kind.model, kind.model.id == kind.reference(PathStageItem))
    rows = db.session.execute(
        query.where(PathStage.path_id.in_({path.id for path, _start in paths}))
        .order_by(PathStage.rank, PathStage.id, PathStageItem.rank,
                  PathStageItem.id)).all()
    progress = _progress(user, [row[0] for row in rows])
    stages: dict[int, dict[PathStage, list[ItemState]]] = {}
    for item, stage, *targets in rows:
        title, slug = _name(targets)
        started, done = progress.get((item.kind, item.item_id), (False, False))
        stages.setdefault(stage.path_id, {}).setdefault(stage, []).append(
            ItemState(item, title, slug, started, done))
    found = []
    for path, start in paths:
        ordered = [StageState(stage, list(items))
                   for stage, items in stages.get(path.id, {}).items()]
        _lock(path.mode, ordered, start, now)
        found.append(ordered)
    return found


def _name(targets: list) -> tuple[str, str]:
    """(title, slug) of the one item an outer-joined row found."""
    target = next((t for t in targets if t is not None), None)
    return (target.title or "", getattr(target, "slug", "") or "") if target else ("", "")


def _progress(user: User, items: list[PathStageItem]) -> dict[tuple[str, int], tuple]:
    """(kind, item id) → (started, done) for the user: one statement per kind present."""
    only_me = select(User.id).where(User.id == user.id)
    found = {}
    for kind in kinds_for(PathStageItem):
        ids = [i.item_id for i in items if i.kind == kind.key]
        if not ids:
            continue
        sub = kind.progress(only_me)
        for item_id, started, done in db.session.execute(
                select(sub.c.item_id, sub.c.started, sub.c.done).where(
                    sub.c.user_id == user.id, sub.c.item_id.in_(ids))):
            found[(kind.key, item_id)] = (bool(started), bool(done))
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
    found: dict[str, set[int]] = {kind.key: set() for kind in kinds_for(PathStageItem)}
    for state in stages:
        if not state.locked:
            for item in state.items:
                found[item.item.kind].add(item.item.item_id)
    return found


def next_in_path(stages: list[StageState]) -> Step | None:
    """The first item of an open stage not done yet (None: nothing open is left)."""
    for stage in stages:
        if stage.locked:
            continue
        for item in stage.items:
            if not item.done:
                return Step(item.item.kind, item.slug, item.title)
    return None
