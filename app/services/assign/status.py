"""Each person's status on each assignment they owe, computed in SQL in one statement:
not started, in progress, completed, overdue (past their due date and not completed) or
failed (a quiz whose attempts are used up without a pass).

Their due date is, in this order: an extension granted to them, the assignment's due date,
or — for onboarding paths — `due_days` after their own start (the later of the assignment's
start and the day their account was created).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, case, func, literal, or_, select, union_all

from app.models import User
from app.models.assignments import (
    Assignment,
    AssignmentExtension,
    PathStage,
    PathStageItem,
)
from app.services.assign.members import assignee_pairs
from app.services.assign.progress import (
    course_progress,
    practice_progress,
    quiz_progress,
    signed_off_since,
    sop_progress,
)
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
    practice = practice_progress(user_filter)
    query = query.outerjoin(practice, and_(Assignment.kind == "sop",
                                           practice.c.module_id == Assignment.sop_module_id,
                                           practice.c.user_id == pairs.c.user_id))
    started = func.coalesce(*(sub.c.started for sub, _c in subs.values()),
                            case((practice.c.runs > 0, 1), else_=None), 0)
    done = case((Assignment.kind == "sop", case((_sop_done(subs["sop"][0], pairs), 1),
                                                else_=0)),
                else_=func.coalesce(*(subs[k][0].c.done for k in ("course", "quiz", "path")),
                                    0))
    failed = func.coalesce(subs["quiz"][0].c.failed, 0)
    due = personal_due()
    status = case((done == 1, "completed"), (failed == 1, "failed"),
                  (and_(due.is_not(None), due < now), "overdue"),
                  (started == 1, "in_progress"), else_="not_started")
    sop_done_at = _later(subs["sop"][0].c.done_at, practice.c.last_signed_off_at)
    done_at = case((done == 1, func.coalesce(
        *(sub.c.done_at for kind, (sub, _c) in subs.items() if kind != "sop"), sop_done_at)),
        else_=None)
    return query.add_columns(status.label("status"), started.label("started"),
                             done_at.label("done_at"), due.label("due_at"))


def _sop_done(sop, pairs):
    """An SOP assignment is done when its acknowledgement part (if asked: a version at least
    the re-acknowledgement one and the assignment's) and its practice part (if asked: that
    many runs signed off since the assignment was given) are both met."""
    acked = and_(sop.c.done == 1,
                 func.coalesce(Assignment.sop_version_number, 0) <= sop.c.acked_number)
    signed = signed_off_since(pairs.c.user_id, Assignment.sop_module_id, Assignment.created_at)
    practised = case((Assignment.practice_runs == 0, True),
                     else_=signed >= Assignment.practice_runs)
    return and_(or_(Assignment.acknowledge.is_(False), acked), practised)


def _later(a, b):
    """SQL: the later of two nullable timestamps."""
    return case((a.is_(None), b), (b.is_(None), a), (b > a, b), else_=a)
