"""Learning paths and assignments for tests: a path of stages in one call, an assignment to
some demo people in another (through the real service), committed."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.extensions import db
from app.models.assignments import Assignment, LearningPath, PathStage, PathStageItem
from app.models.base import utcnow
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.items import KINDS
from tests.learning_factories import person


def kind_key(item) -> str:
    """The item registry's key of a course, quiz, SOP module, path, survey or class object."""
    return next(kind.key for kind in KINDS.values() if type(item) is kind.model)


def make_path(stages: list[tuple], *, title: str = "新人学习地图", mode: str = "free",
              description: str = "") -> LearningPath:
    """`stages`: (title, [course/quiz/SOP module/class objects][, opens_after_days])."""
    path = LearningPath(title=title, mode=mode, description=description)
    for position, (stage_title, items, *days) in enumerate(stages):
        stage = PathStage(title=stage_title, rank=position,
                          opens_after_days=days[0] if days else 0)
        for index, item in enumerate(items):
            row = PathStageItem(rank=index)
            row.set_item(kind_key(item), item.id)
            stage.items.append(row)
        path.stages.append(stage)
    db.session.add(path)
    db.session.commit()
    return path


def assign(item, *logins: str, now: datetime | None = None, by: str = "admin",
           **fields) -> Assignment:
    """Give `item` (a course, quiz, SOP module or path) to the demo people `logins`,
    started a day ago unless `starts_at` is given."""
    now = now or utcnow()
    kind = kind_key(item)
    fields.setdefault("starts_at", now - timedelta(days=1))
    data = AssignmentData(kind=kind, item_id=item.id,
                          user_ids=[person(login).id for login in logins], **fields)
    assignment = create_assignment(person(by), data, now)
    db.session.commit()
    return assignment
