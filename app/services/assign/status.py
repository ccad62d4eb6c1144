"""Each person's status on each assignment they owe, computed in SQL in one statement:
not started, in progress, completed, overdue (past their due date and not completed) or
failed (a quiz whose attempts are used up without a pass). A re-certification counts only
what was done after it was given.

Their due date is, in this order: an extension granted to them; the assignment's due date —
unless they were hired less than its `grace_days` before it (or after it), then their hire
date plus the grace days; or — for onboarding paths — `due_days` after their own start (the
later of the assignment's start and their hire date).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, bindparam, case, func, select

from app.models import User
from app.models.assignments import Assignment, AssignmentExtension
from app.services.assign.members import assignee_pairs
from app.services.assign.path_progress import path_progress
from app.services.assign.sop_status import default_terms
from app.services.assign.sqlfuncs import day_start, shift_days
from app.services.items import KINDS
from app.services.sql_hints import IdsParam, among

__all__ = ["STATUSES", "items_params", "kinds_of", "listed_status_params", "listed_status_query",
           "path_progress", "personal_due", "status_query"]

STATUSES = ("not_started", "in_progress", "completed", "overdue", "failed")


def personal_due():
    """SQL: the person's due date (None when the assignment has none). Joined with `User`,
    `Assignment` and (outer) `AssignmentExtension`."""
    hired = day_start(User.hire_date)
    start = case((Assignment.starts_at > hired, Assignment.starts_at), else_=hired)
    relative = case((Assignment.due_days.is_not(None), shift_days(start, Assignment.due_days)),
                    else_=None)
    late_joiner = shift_days(hired, Assignment.grace_days)
    fixed = case((late_joiner > Assignment.due_at, late_joiner), else_=Assignment.due_at)
    return func.coalesce(AssignmentExtension.due_at, fixed, relative)


def status_query(now: datetime, *where, user_filter=None, kinds=None,
                 items: bool = False) -> Select:
    """SELECT (assignment_id, user_id, status, started, done_at, due_at) for every person
    owing a live assignment; `where` narrows (Assignment.id == …, User.id == …);
    `user_filter` (a SELECT of user ids) narrows the progress subqueries to those people;
    `kinds` and `items` when `where` keeps only assignments of those kinds and of the items
    given as parameters (`_status_select`)."""
    return _status_select(now, *where, user_filter=user_filter, kinds=kinds, items=items)


@cache
def listed_status_query(order_by: tuple = (), kinds: tuple[str, ...] | None = None) -> Select:
    """`status_query(now, Assignment.id.in_(assignments), User.id.in_(people),
    user_filter=people)` for lists of ids given when it runs (`listed_status_params`),
    ordered by `order_by`. Built once per process: constructing the statement (every kind's
    progress subquery, ~30,000 characters of SQL) and its cache key cost more CPU than
    running it for a team; the same object keeps its cache key and SQLAlchemy's compiled
    form. Nothing of a request is in it — the scope is only in the parameters (on
    PostgreSQL each list is one array parameter, `sql_hints.among`, so the text is the same
    for any number of ids). `kinds` (sorted keys, `kinds_of`): only the progress of those
    kinds is joined, and only of the items given (`listed_status_params(assignments=…)`)
    — the assignments given must all be of them."""
    people = IdsParam("status_people")
    query = _status_select(bindparam("status_now", type_=Assignment.due_at.type),
                           among(Assignment.id, IdsParam("status_assignments")),
                           among(User.id, people), user_filter=people, kinds=kinds,
                           items=kinds is not None)
    return query.order_by(*order_by) if order_by else query


def kinds_of(assignments) -> tuple[str, ...]:
    """The sorted kinds of these assignments, for `listed_status_query(kinds=…)`."""
    return tuple(sorted({a.kind for a in assignments}))


def items_params(assignments) -> dict[str, list[int]]:
    """The ids of their items, one parameter per kind, for a statement built with
    `kinds_of` these assignments and `items`."""
    found: dict[str, set[int]] = {}
    for assignment in assignments:
        found.setdefault(_items_param(assignment.kind), set()).add(assignment.item_id)
    return {name: sorted(ids) for name, ids in found.items()}


def _items_param(kind: str) -> str:
    return f"status_items_{kind}"


def listed_status_params(now: datetime, assignment_ids, user_ids, assignments=None) -> dict:
    """The parameters of `listed_status_query` (`assignments`: those of the ids, with
    `kinds`: their items, `items_params`)."""
    params = {"status_now": now, "status_assignments": list(assignment_ids),
              "status_people": list(user_ids)}
    return params if assignments is None else {**params, **items_params(assignments)}


def _status_select(now, *where, user_filter=None, kinds=None, items=None) -> Select:
    """The status statement; `kinds`: the keys of the kinds whose progress it joins (None:
    every kind). A kind's progress is joined on `Assignment.kind == key`, so leaving out a
    kind no assignment of the statement has changes no row: it only spares the planner
    that subquery (a path's progress holds every other kind's again). `items`: each kind's
    progress joined only for the items given (`items_params`) — a condition of the join on
    the subquery's item id alone, which PostgreSQL pushes into the progress subquery (the
    team's attempts of the assigned quizzes, not all of them, aggregated). Written as
    `item_id + 0`, a filter no index serves: the people's user index still drives each
    subquery — by the item's index PostgreSQL read everyone's attempts of an assigned quiz
    (tests/web/test_report_scope.py)."""
    pairs = assignee_pairs(*where).subquery("pairs")
    query = (select(pairs.c.assignment_id, pairs.c.user_id)
             .select_from(pairs)
             .join(Assignment, Assignment.id == pairs.c.assignment_id)
             .join(User, User.id == pairs.c.user_id)
             .outerjoin(AssignmentExtension,
                        and_(AssignmentExtension.assignment_id == pairs.c.assignment_id,
                             AssignmentExtension.user_id == pairs.c.user_id)))
    started, done, done_at, failed = [], [], [], []
    for kind in KINDS.values():  # each kind's progress, joined to its assignments only
        if kinds is not None and kind.key not in kinds:
            continue
        sub = kind.progress(user_filter)
        query = query.outerjoin(sub, and_(Assignment.kind == kind.key,
                                          sub.c.item_id == kind.reference(Assignment),
                                          sub.c.user_id == pairs.c.user_id,
                                          *([among(sub.c.item_id + 0,  # no index: below
                                                   IdsParam(_items_param(kind.key)))]
                                            if items else [])))
        query, kind_started, kind_done, kind_done_at = (kind.assignment_terms or default_terms)(
            kind, query, sub, pairs, user_filter)
        started.append(kind_started)
        done.append((Assignment.kind == kind.key, func.coalesce(kind_done, 0)))
        done_at.append(kind_done_at)
        failed.append(sub.c.failed)
    started = func.coalesce(*started, 0)
    # a re-certification (origin "recert") is done only by doing the item again after it
    # was given (app/services/certificate_expiry.py)
    redone = case((and_(Assignment.origin == "recert",
                        _first(done_at) < Assignment.starts_at), 0), else_=1)
    done = case(*done, else_=0) * redone
    failed = func.coalesce(*failed, 0)
    due = personal_due()
    status = case((done == 1, "completed"), (failed == 1, "failed"),
                  (and_(due.is_not(None), due < now), "overdue"),
                  (started == 1, "in_progress"), else_="not_started")
    done_at = case((done == 1, _first(done_at)), else_=None)
    return query.add_columns(status.label("status"), started.label("started"),
                             done_at.label("done_at"), due.label("due_at"))


def _first(values: list):
    """SQL: the first of `values` that is not NULL (SQLite's coalesce needs two)."""
    return values[0] if len(values) == 1 else func.coalesce(*values)
