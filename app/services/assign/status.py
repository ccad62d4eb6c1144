"""Each person's status on each assignment they owe, computed in SQL in one statement:
not started, in progress, completed, overdue (past their due date and not completed) or
failed (a quiz whose attempts are used up without a pass).

Their due date is, in this order: an extension granted to them, the assignment's due date,
or — for onboarding paths — `due_days` after their own start (the later of the assignment's
start and the day their account was created).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, case, func, literal, select, union_all

from app.models import User
from app.models.assignments import (
    Assignment,
    AssignmentExtension,
    PathStage,
    PathStageItem,
)
from app.services.assign.members import assignee_pairs
from app.services.assign.progress import course_progress, quiz_progress, sop_progress
from app.services.assign.sqlfuncs import shift_days

STATUSES = ("not_started", "in_progress", "completed", "overdue", "failed")


def path_progress(user_filter=None, stage_level: bool = False):
    """(user_id, item_id=path_id [, stage_id], started, done, done_count, done_at): how many
    of a path's (or stage's) items each person has done."""
    progress = {"course": course_progress(user_filter), "quiz": quiz_progress(user_filter),
                "sop": sop_progress(user_filter)}
    columns = {"course": PathStageItem.course_id, "quiz": PathStageItem.quiz_id,
               "sop": PathStageItem.sop_module_id}
    parts = [select(sub.c.user_id, PathStage.path_id, PathStage.id.label("stage_id"),
                    sub.c.done, sub.c.done_at)
             .select_from(PathStageItem)
             .join(PathStage, PathStage.id == PathStageItem.stage_id)
             .join(sub, and_(PathStageItem.kind == kind, sub.c.item_id == columns[kind]))
             for kind, sub in progress.items()]
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


def personal_due():
    """SQL: the person's due date (None when the assignment has none)."""
    start = case((Assignment.starts_at > User.created_at, Assignment.starts_at),
                 else_=User.created_at)
    relative = case((Assignment.due_days.is_not(None), shift_days(start, Assignment.due_days)),
                    else_=None)
    return func.coalesce(AssignmentExtension.due_at, Assignment.due_at, relative)


def status_query(now: datetime, *where, user_filter=None) -> Select:
    """SELECT (assignment_id, user_id, status, started, done_at, due_at) for every person
    owing a live assignment; `where` narrows (Assignment.id == …, User.id == …);
    `user_filter` (a SELECT of user ids) narrows the progress subqueries to those people."""
    pairs = assignee_pairs(*where).subquery("pairs")
    subs = {"course": (course_progress(user_filter), Assignment.course_id),
            "quiz": (quiz_progress(user_filter), Assignment.quiz_id),
            "sop": (sop_progress(user_filter), Assignment.sop_module_id),
            "path": (path_progress(user_filter), Assignment.path_id)}
    query = (select(pairs.c.assignment_id, pairs.c.user_id)
             .select_from(pairs)
             .join(Assignment, Assignment.id == pairs.c.assignment_id)
             .join(User, User.id == pairs.c.user_id)
             .outerjoin(AssignmentExtension,
                        and_(AssignmentExtension.assignment_id == pairs.c.assignment_id,
                             AssignmentExtension.user_id == pairs.c.user_id)))
    for kind, (sub, item_column) in subs.items():
        query = query.outerjoin(sub, and_(Assignment.kind == kind, sub.c.item_id == item_column,
                                          sub.c.user_id == pairs.c.user_id))
    started = func.coalesce(*(sub.c.started for sub, _c in subs.values()), 0)
    sop = subs["sop"][0]
    sop_done = and_(sop.c.done == 1, func.coalesce(Assignment.sop_version_number, 0)
                    <= sop.c.acked_number)
    done = case((Assignment.kind == "sop", case((sop_done, 1), else_=0)),
                else_=func.coalesce(*(subs[k][0].c.done for k in ("course", "quiz", "path")),
                                    0))
    failed = func.coalesce(subs["quiz"][0].c.failed, 0)
    due = personal_due()
    status = case((done == 1, "completed"), (failed == 1, "failed"),
                  (and_(due.is_not(None), due < now), "overdue"),
                  (started == 1, "in_progress"), else_="not_started")
    done_at = case((done == 1, func.coalesce(*(sub.c.done_at for sub, _c in subs.values()))),
                   else_=None)
    return query.add_columns(status.label("status"), started.label("started"),
                             done_at.label("done_at"), due.label("due_at"))
