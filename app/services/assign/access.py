"""What a person may open because it was assigned to them, whatever its audience says: the
item of every started assignment they owe, and the items of the open stages of the paths
they owe. An item reachable only through a locked stage (闯关 not yet passed, a dated stage
not yet open) stays closed. A constant number of statements, however many assignments.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment, LearningPath, PathStageItem
from app.services.assign.members import assignee_pairs
from app.services.assign.paths import path_states, personal_start, unlocked_items
from app.services.items import kinds_for


def owed_assignments(user: User, now: datetime) -> list[tuple[Assignment, LearningPath | None]]:
    """The started, live assignments the user owes (with the path of path assignments), in
    one statement."""
    pairs = assignee_pairs(User.id == user.id, Assignment.starts_at <= now).subquery()
    return [tuple(row) for row in db.session.execute(
        select(Assignment, LearningPath)
        .outerjoin(LearningPath, LearningPath.id == Assignment.path_id)
        .where(Assignment.id.in_(select(pairs.c.assignment_id)))
        .order_by(Assignment.id))]


def assigned_access(user: User, now: datetime) -> dict[str, set[int]]:
    """kind (of what a path stage may hold: course, quiz, SOP module) → ids the user may open
    through their assignments."""
    found: dict[str, set[int]] = {kind.key: set() for kind in kinds_for(PathStageItem)}
    paths = []
    for assignment, path in owed_assignments(user, now):
        if assignment.kind in found:
            found[assignment.kind].add(assignment.item_id)
        elif path is not None:
            paths.append((path, personal_start(assignment, user)))
    for stages in path_states(user, paths, now):
        for kind, ids in unlocked_items(stages).items():
            found[kind] |= ids
    return found
