"""Each person's progress on learning paths: how many of a path's (or a stage's) items they
have done, from the progress subqueries of the kinds a stage may hold (the item registry)."""

from __future__ import annotations

from sqlalchemy import and_, case, func, literal, select, union_all

from app.models.assignments import PathStage, PathStageItem
from app.services.items.registry import kinds_for


def path_progress(user_filter=None, stage_level: bool = False):
    """(user_id, item_id=path_id [, stage_id], started, done, done_count, done_at, failed):
    how many of a path's (or stage's) items each person has done."""
    parts = [select(sub.c.user_id, PathStage.path_id, PathStage.id.label("stage_id"),
                    sub.c.done, sub.c.done_at)
             .select_from(PathStageItem)
             .join(PathStage, PathStage.id == PathStageItem.stage_id)
             .join(sub, and_(PathStageItem.kind == kind.key,
                             sub.c.item_id == kind.reference(PathStageItem)))
             for kind, sub in ((k, k.progress(user_filter)) for k in kinds_for(PathStageItem))]
    rows = union_all(*parts).subquery("path_item_rows")
    group = rows.c.stage_id if stage_level else rows.c.path_id
    totals = (select(PathStage.id.label("stage_id") if stage_level else PathStage.path_id,
                     func.count(PathStageItem.id).label("total"))
              .join(PathStageItem, PathStageItem.stage_id == PathStage.id)
              .group_by(PathStage.id if stage_level else PathStage.path_id)
              .subquery("path_totals"))
    total_key = totals.c.stage_id if stage_level else totals.c.path_id
    done_count = func.sum(rows.c.done)
    return (select(rows.c.user_id, group.label("item_id"), literal(1).label("started"),
                   case((done_count >= func.max(totals.c.total), 1), else_=0).label("done"),
                   done_count.label("done_count"), func.max(rows.c.done_at).label("done_at"),
                   literal(0).label("failed"))
            .join(totals, total_key == group)
            .group_by(rows.c.user_id, group)
            .subquery("path_progress"))
