"""Building learning paths (学习地图) in the trainer's pages: the path, its stages (关) and
their items (published courses, quizzes and SOP modules), and which positions get it as
their onboarding path. Services add and flush; the caller commits.

Changing a path changes it for everyone who owes it: their status follows the path as it
is now, while what they did stays in their own records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import Position, User
from app.models.assignments import (
    PATH_MODES,
    Assignment,
    AssignmentTarget,
    LearningPath,
    PathStage,
    PathStageItem,
)
from app.services.assign.assignments import onboarding_assignments, set_onboarding
from app.services.certificate_validity import apply_validity
from app.services.content import working_copy as wc
from app.services.errors import DomainError, NotFound
from app.services.items import kind_of, kinds_for
from app.services.items.kinds import PATH
from app.services.validation import clean_multiline, clean_text

MAX_DAYS = 365


@dataclass
class PathData:
    title: str | None
    description: str | None = ""
    mode: str | None = "free"
    validity_months: int | None = None  # certificates expire after this many months
    recert_days: int | None = None


@dataclass
class PathRow:
    """A line of the list of paths."""

    path: LearningPath
    stages: int
    items: int
    positions: list[str]


def save_path(path: LearningPath | None, data: PathData, actor: User | None) -> LearningPath:
    """Create a path (`path` None) or change its title, description and mode."""
    title = clean_text(data.title, field="title", label=_l("Title"), max_length=200)
    description = clean_multiline(data.description, field="description",
                                  label=_l("Description"), max_length=2000) or ""
    if data.mode not in PATH_MODES:
        raise DomainError(_l("Choose how the stages open."), "mode")
    if path is None:
        path = LearningPath(created_by_id=actor.id if actor else None)
        db.session.add(path)
    path.title, path.description, path.mode = title, description, data.mode
    apply_validity(path, data.validity_months, data.recert_days)
    db.session.flush()
    return path


def set_archived(path: LearningPath, archived: bool) -> None:
    """An archived path can no longer be assigned; who owes it already still does."""
    path.archived = archived
    db.session.flush()


def path_overview() -> list[PathRow]:
    """Every path with its counts and onboarding positions: three statements."""
    paths = list(db.session.scalars(select(LearningPath).order_by(
        LearningPath.archived, LearningPath.id.desc())))
    counts = {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(PathStage.path_id, func.count(func.distinct(PathStage.id)),
               func.count(PathStageItem.id))
        .outerjoin(PathStageItem, PathStageItem.stage_id == PathStage.id)
        .group_by(PathStage.path_id))}
    positions: dict[int, list[str]] = {}
    for path_id, name in db.session.execute(_onboarding(Assignment.path_id, Position.name)):
        positions.setdefault(path_id, []).append(name)
    return [PathRow(path, *counts.get(path.id, (0, 0)), positions.get(path.id, []))
            for path in paths]


def _onboarding(*columns):
    """SELECT `columns` of the live onboarding assignments and their positions."""
    return (select(*columns)
            .select_from(Assignment)
            .join(AssignmentTarget, AssignmentTarget.assignment_id == Assignment.id)
            .join(Position, Position.id == AssignmentTarget.position_id)
            .where(Assignment.origin == "onboarding", Assignment.cancelled_at.is_(None),
                   Assignment.kind == PATH.key)
            .order_by(Position.sort_order, Position.id))


def onboarding_positions(path: LearningPath) -> list[tuple[Position, Assignment]]:
    """The positions whose onboarding path this is, with the assignment (its due days)."""
    return [tuple(row) for row in db.session.execute(
        _onboarding(Position, Assignment).where(Assignment.path_id == path.id))]


def item_titles(path: LearningPath) -> dict[int, str]:
    """PathStageItem id → the title of its course, quiz or SOP module (one statement)."""
    kinds = kinds_for(PathStageItem)
    query = (select(PathStageItem.id, *(kind.model.title for kind in kinds))
             .join(PathStage, PathStage.id == PathStageItem.stage_id))
    for kind in kinds:
        query = query.outerjoin(kind.model, kind.model.id == kind.reference(PathStageItem))
    rows = db.session.execute(query.where(PathStage.path_id == path.id))
    return {item_id: next((t for t in titles if t), "") for item_id, *titles in rows}


def item_choices() -> dict[str, list[tuple[int, str]]]:
    """kind → (id, title) of what may go into a path: published and not archived."""
    return {kind.key: [tuple(row) for row in db.session.execute(
                select(kind.model.id, kind.model.title).where(*kind.assignable())
                .order_by(kind.model.title, kind.model.id))]
            for kind in kinds_for(PathStageItem)}


def _stage_kinds() -> set[str]:
    """The kinds a stage may hold."""
    return {kind.key for kind in kinds_for(PathStageItem)}


# ---- stages ------------------------------------------------------------------------------------

def _stage_fields(title: str | None, opens_after_days: int | None) -> tuple[str, int]:
    title = clean_text(title, field="title", label=_l("Stage title"), max_length=200)
    days = opens_after_days or 0
    if not 0 <= days <= MAX_DAYS:
        raise DomainError(_l("Days must be between 0 and 365."), "opens_after_days")
    return title, days


def add_stage(path: LearningPath, title: str | None,
              opens_after_days: int | None = 0) -> PathStage:
    title, days = _stage_fields(title, opens_after_days)
    stage = PathStage(title=title, opens_after_days=days, rank=len(path.stages))
    path.stages.append(stage)
    db.session.flush()
    return stage


def save_stage(stage: PathStage, title: str | None, opens_after_days: int | None) -> PathStage:
    stage.title, stage.opens_after_days = _stage_fields(title, opens_after_days)
    db.session.flush()
    return stage


def move_stage(stage: PathStage, direction: str | None) -> None:
    path = stage.path
    wc.move(list(path.stages), stage, direction or "")
    db.session.flush()
    db.session.expire(path, ["stages"])


def delete_stage(stage: PathStage) -> None:
    path = stage.path
    path.stages.remove(stage)
    wc.renumber(path.stages)
    db.session.flush()


# ---- items ---------------------------------------------------------------------------------------

def add_item(stage: PathStage, choice: str | None) -> PathStageItem:
    """Add the item chosen as "kind:id" (a published course, quiz or SOP module), once per
    path."""
    kind, _sep, raw_id = (choice or "").partition(":")
    if kind not in _stage_kinds() or not raw_id.isascii() or not raw_id.isdigit():
        raise DomainError(_l("Choose a course, quiz or SOP module."), "item")
    item_id = int(raw_id)
    if item_id not in {i for i, _t in item_choices()[kind]}:
        raise NotFound(_l("This item cannot be added (it was removed or is not published)."),
                       "item")
    column = kind_of(kind).reference(PathStageItem)
    taken = db.session.scalar(select(PathStageItem.id).join(PathStage).where(
        PathStage.path_id == stage.path_id, column == item_id).limit(1))
    if taken is not None:
        raise DomainError(_l("This item is already in the path."), "item")
    item = PathStageItem(rank=len(stage.items))
    item.set_item(kind, item_id)
    stage.items.append(item)
    db.session.flush()
    return item


def move_item(item: PathStageItem, direction: str | None) -> None:
    stage = item.stage
    wc.move(list(stage.items), item, direction or "")
    db.session.flush()
    db.session.expire(stage, ["items"])


def remove_item(item: PathStageItem) -> None:
    stage = item.stage
    stage.items.remove(item)
    wc.renumber(stage.items)
    db.session.flush()


# ---- onboarding ----------------------------------------------------------------------------------

def make_onboarding(path: LearningPath, position_id: int | None, due_days: int | None,
                    actor: User, now: datetime) -> Assignment:
    """Make the path the onboarding path of a position (replacing its earlier one)."""
    position = db.session.get(Position, position_id) if position_id else None
    if position is None:
        raise DomainError(_l("Choose a position."), "position_id")
    if path.archived:
        raise DomainError(_l("An archived path cannot be given to new employees."))
    if not any(stage.items for stage in path.stages):
        raise DomainError(_l("Add at least one course, quiz or SOP module first."))
    if due_days is None:
        raise DomainError(_l("Days to complete must be between 1 and 365."), "due_days")
    return set_onboarding(path, position, due_days, actor, now)


def stop_onboarding(path: LearningPath, position: Position, now: datetime) -> None:
    """Stop giving the path to the position: its onboarding assignment is cancelled (as
    `set_onboarding` does when it replaces one), so nobody owes it through the position."""
    for assignment in onboarding_assignments(position):
        if assignment.path_id == path.id:
            assignment.cancelled_at = now
    db.session.flush()
