"""Create, follow and adjust assignments. A supervisor may target only people inside the
departments they lead (a position becomes "that position within each of my departments");
an admin anyone. The same scope rule guards the form's choices and a direct POST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Department, Position, SopModule, SopVersion, User
from app.models.assignments import (
    Assignment,
    AssignmentExtension,
    AssignmentTarget,
    LearningPath,
)
from app.services.errors import DomainError, NotFound
from app.services.items import kind_of
from app.services.items.kinds import PATH, SOP
from app.services.records import upsert
from app.services.scope import led_department_ids
from app.services.validation import clean_multiline

MESSAGE_LENGTH = 1000


DEFAULT_GRACE_DAYS, MAX_GRACE_DAYS = 7, 365


@dataclass
class AssignmentData:
    """What a supervisor fills in: the item, the targets, the dates and a message."""

    kind: str
    item_id: int
    user_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    position_ids: list[int] = field(default_factory=list)
    starts_at: datetime | None = None
    due_at: datetime | None = None
    due_days: int | None = None
    grace_days: int | None = DEFAULT_GRACE_DAYS
    required: bool = True
    message: str = ""
    acknowledge: bool = True
    practice_runs: int = 0
    sop_version_number: int | None = None


def item_of(kind: str, item_id: int):
    """The course, quiz, SOP module or path an assignment gives; NotFound when it cannot be
    assigned (missing, archived, never published)."""
    item_kind = kind_of(kind) if isinstance(kind, str) else None
    if item_kind is None:
        raise DomainError(_l("Choose what to assign."), "kind")
    model = item_kind.model
    item = db.session.scalar(select(model).where(model.id == item_id, *item_kind.assignable())
                             ) if isinstance(item_id, int) else None
    if item is None:
        raise NotFound(_l("This item cannot be assigned (it was removed or is not "
                          "published)."), "item_id")
    return item


def create_assignment(actor: User, data: AssignmentData, now: datetime, *,
                      origin: str = "manual") -> Assignment:
    """Check the item, the targets (inside the actor's scope) and the dates; add and flush."""
    item_of(data.kind, data.item_id)
    practice = kind_of(data.kind).practice  # SOP modules: acknowledge and/or practise
    targets = build_targets(actor, data)
    starts_at = data.starts_at or now
    if data.due_at is not None and data.due_at <= starts_at:
        raise DomainError(_l("The due date must be after the start date."), "due_at")
    if data.due_days is not None and not 1 <= data.due_days <= 365:
        raise DomainError(_l("Days to complete must be between 1 and 365."), "due_days")
    grace_days = DEFAULT_GRACE_DAYS if data.grace_days is None else data.grace_days
    if not 0 <= grace_days <= MAX_GRACE_DAYS:
        raise DomainError(_l("Days of grace for new hires must be between 0 and %(max)d.",
                             max=MAX_GRACE_DAYS), "grace_days")
    if not 0 <= data.practice_runs <= 50:
        raise DomainError(_l("Practice runs must be between 0 and 50."), "practice_runs")
    if practice and not data.acknowledge and not data.practice_runs:
        raise DomainError(_l("Ask for acknowledgement, practice runs, or both."), "acknowledge")
    message = clean_multiline(data.message, field="message", label=_l("Message"),
                              max_length=MESSAGE_LENGTH, required=False) or ""
    assignment = Assignment(
        kind=data.kind, starts_at=starts_at, due_at=data.due_at, due_days=data.due_days,
        grace_days=grace_days, required=data.required, message=message, origin=origin,
        created_by_id=actor.id,
        acknowledge=data.acknowledge if practice else True,
        practice_runs=data.practice_runs if practice else 0,
        sop_version_number=data.sop_version_number if practice else None)
    assignment.set_item(data.kind, data.item_id)
    assignment.targets = targets
    db.session.add(assignment)
    db.session.flush()
    return assignment


def build_targets(actor: User, data: AssignmentData) -> list[AssignmentTarget]:
    """Target rows for the chosen people, departments and positions, refused outside the
    actor's scope (DomainError naming the field)."""
    scope = led_department_ids(actor)
    targets = [AssignmentTarget(user_id=user.id) for user in _people(data.user_ids, scope)]
    for department_id in dict.fromkeys(data.department_ids):
        if db.session.get(Department, department_id) is None or (
                scope is not None and department_id not in scope):
            raise DomainError(_l("You can only assign to departments you lead."),
                              "department_ids")
        targets.append(AssignmentTarget(department_id=department_id))
    for position_id in dict.fromkeys(data.position_ids):
        if db.session.get(Position, position_id) is None:
            raise DomainError(_l("This position does not exist."), "position_ids")
        if scope is None:
            targets.append(AssignmentTarget(position_id=position_id))
        else:
            targets += [AssignmentTarget(position_id=position_id, department_id=root)
                        for root in _led_roots(actor)]
    if not targets:
        raise DomainError(_l("Choose at least one person, department or position."),
                          "user_ids")
    return targets


def _people(user_ids: list[int], scope: set[int] | None) -> list[User]:
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return []
    people = list(db.session.scalars(select(User).where(User.id.in_(ids),
                                                        User.active.is_(True))))
    if len(people) != len(ids) or (scope is not None and any(
            p.department_id not in scope for p in people)):
        raise DomainError(_l("You can only assign to people in the departments you lead."),
                          "user_ids")
    return people


def _led_roots(actor: User) -> list[int]:
    """The departments the actor leads, without those inside another one they lead."""
    led = {d.id: d for d in actor.led_departments}
    return sorted(d_id for d_id, d in led.items() if not _inside(d, led))


def _inside(department: Department, led: dict[int, Department]) -> bool:
    parent, seen = department.parent_id, set()
    while parent is not None and parent not in seen:
        if parent in led:
            return True
        seen.add(parent)
        parent = db.session.get(Department, parent).parent_id
    return False


def extend_due(actor: User, assignment: Assignment, user: User, due_at: datetime,
               now: datetime) -> AssignmentExtension:
    """Give one person a later due date (replacing an earlier extension; two supervisors at
    once: one row, the later date given stands)."""
    if due_at <= now:
        raise DomainError(_l("The new due date must be in the future."), "due_at")
    upsert(AssignmentExtension, {"assignment_id": assignment.id, "user_id": user.id,
                                 "due_at": due_at, "granted_by_id": actor.id,
                                 "granted_at": now}, ["assignment_id", "user_id"])
    return db.session.scalars(select(AssignmentExtension).where(
        AssignmentExtension.assignment_id == assignment.id,
        AssignmentExtension.user_id == user.id)
        .execution_options(populate_existing=True)).one()


def cancel(assignment: Assignment, now: datetime) -> None:
    """Stop an assignment (nobody owes it any more; what people did stays theirs)."""
    assignment.cancelled_at = assignment.cancelled_at or now
    db.session.flush()


def assign_reacknowledgement(module: SopModule, version: SopVersion, due_at: datetime | None,
                             actor: User | None, now: datetime) -> Assignment:
    """After a version that requires re-acknowledgement: everyone the module is meant for
    owes an acknowledgement of at least that version (by `due_at`)."""
    assignment = Assignment(acknowledge=True, sop_version_number=version.number,
                            starts_at=now, due_at=due_at, origin="reack",
                            created_by_id=actor.id if actor else None,
                            message=version.change_note or "")
    assignment.set_item(SOP.key, module.id)
    targets = [AssignmentTarget(position_id=p.id) for p in module.positions]
    targets += [AssignmentTarget(department_id=d.id) for d in module.departments]
    assignment.targets = targets or [AssignmentTarget()]  # no audience: everyone
    db.session.add(assignment)
    db.session.flush()
    return assignment


def set_onboarding(path: LearningPath, position: Position, due_days: int, actor: User,
                   now: datetime) -> Assignment:
    """Make `path` the onboarding path of `position`: each new holder owes it from their
    first day, due `due_days` later (replaces the position's earlier onboarding path)."""
    if not 1 <= due_days <= 365:
        raise DomainError(_l("Days to complete must be between 1 and 365."), "due_days")
    for old in onboarding_assignments(position):
        old.cancelled_at = now
    assignment = Assignment(origin="onboarding", starts_at=now, due_days=due_days,
                            created_by_id=actor.id)
    assignment.set_item(PATH.key, path.id)
    assignment.targets = [AssignmentTarget(position_id=position.id)]
    db.session.add(assignment)
    db.session.flush()
    return assignment


def onboarding_assignments(position: Position) -> list[Assignment]:
    """The live onboarding assignments of a position."""
    return list(db.session.scalars(
        select(Assignment).join(AssignmentTarget)
        .where(Assignment.origin == "onboarding", Assignment.cancelled_at.is_(None),
               AssignmentTarget.position_id == position.id)))
