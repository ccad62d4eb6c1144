"""The team dashboard's filters and what they select, always inside the actor's scope.

- department: one of the departments the actor leads (with its sub-departments); any other
  id is dropped, so a crafted URL shows the whole team, never someone else's people;
- position: people of that position;
- assignment: one assignment the actor may follow (`follow.visible_assignments`), live; the
  people are then those who owe it;
- date range (local dates, both ends included): assignments whose due date falls in the
  range; an assignment without a fixed due date (none, or days after each start) counts by
  the day it was created. The range also bounds the checklist reviews (by review date) and
  ends the results' periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, select

from app.extensions import db
from app.models import User
from app.models.assignments import Assignment
from app.services.assign import follow
from app.services.assign.members import assignee_pairs
from app.services.org import subtree_ids
from app.services.scope import led_department_ids, resolved_ids

ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Filters:
    department_id: int | None = None
    position_id: int | None = None
    assignment_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as URL parameters (for paging and export links)."""
        values = {"department": self.department_id, "position": self.position_id,
                  "assignment": self.assignment_id, "from": self.date_from,
                  "to": self.date_to}
        return {key: str(value) for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class View:
    """Who looks (their scope: led department ids, None for everyone), with which filters,
    when, in which time zone local dates are read, and the ids of the assignments in view
    (read once: `status_query` cannot nest a second `assignee_pairs`). `memo` keeps what one
    request computed once for every table of the page (the team's status rows)."""

    actor: User
    filters: Filters
    scope: set[int] | None
    now: datetime
    zone: str = ZONE
    assignment_ids: tuple[int, ...] = ()
    memo: dict = field(default_factory=dict, compare=False, repr=False)


def make_view(actor: User, raw: Filters, now: datetime, zone: str = ZONE) -> View:
    """The view with the filters the actor may use (see the module docstring)."""
    scope = led_department_ids(actor)
    # the live assignments the actor may follow, read once: the assignments in view, the
    # filter's choices and the matrix's columns are all taken from them
    live = list(db.session.scalars(follow.visible_assignments(actor, scope)
                                   .where(Assignment.cancelled_at.is_(None))))
    filters = raw
    if raw.department_id is not None and scope is not None and raw.department_id not in scope:
        filters = replace(filters, department_id=None)
    if raw.assignment_id is not None and raw.assignment_id not in {a.id for a in live}:
        filters = replace(filters, assignment_id=None)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters = replace(filters, date_from=filters.date_to, date_to=filters.date_from)
    view = View(actor, filters, scope, now, zone)
    return replace(view, assignment_ids=_assignments_in_view(view, live),
                   memo={"live": live})


def live_assignments(view: View) -> list[Assignment]:
    """The live assignments the actor may follow, newest first (read by `make_view`)."""
    return view.memo["live"]


def bounds(view: View) -> tuple[datetime | None, datetime | None]:
    """The date range as UTC instants: [start of the first day, start of the day after)."""
    zone = ZoneInfo(view.zone)
    start = end = None
    if view.filters.date_from:
        start = datetime.combine(view.filters.date_from, time(), zone)
    if view.filters.date_to:
        end = datetime.combine(view.filters.date_to + timedelta(days=1), time(), zone)
    return start, end


def people_ids(view: View, *, owing: bool = True) -> Select:
    """SELECT of the ids of the active people the dashboard shows. With an assignment
    filter they are those who owe it; `owing=False` leaves that out, for statements that
    join `status_query` (whose rows are only the owing people's anyway)."""
    query = select(User.id).where(User.active.is_(True))
    if view.scope is not None:
        query = query.where(User.department_id.in_(view.scope))
    f = view.filters
    if f.department_id:
        query = query.where(User.department_id.in_(subtree_ids({f.department_id})))
    if f.position_id:
        query = query.where(User.position_id == f.position_id)
    if f.assignment_id and owing:
        pairs = assignee_pairs(Assignment.id == f.assignment_id).subquery("owing")
        query = query.where(User.id.in_(select(pairs.c.user_id)))
    return query


def people_in_view(view: View, *, owing: bool = True) -> Select | list[int]:
    """`people_ids` resolved once per request (`scope.resolved_ids`): their ids as a list —
    every history table (attempts, results, practice runs) is then read through its user
    index, for the team's people only — or, past the list's limit (an administrator's
    organisation), the SELECT itself. Without an assignment filter `owing` selects the
    same people, and one statement serves both."""
    key = ("people", owing and bool(view.filters.assignment_id))
    if key not in view.memo:
        view.memo[key] = resolved_ids(people_ids(view, owing=owing))
    return view.memo[key]


def _assignments_in_view(view: View, live: list[Assignment]) -> tuple[int, ...]:
    """The ids of the live assignments in view (the matrix's candidate columns): those the
    actor may follow, the one chosen, those due (or, without a fixed due date, created)
    within the date range (a statement only then)."""
    ids = [a.id for a in live
           if not view.filters.assignment_id or a.id == view.filters.assignment_id]
    start, end = bounds(view)
    if not ids or (start is None and end is None):
        return tuple(ids)
    query = select(Assignment.id).where(Assignment.id.in_(ids))
    for edge, after in ((start, True), (end, False)):
        if edge is not None:
            query = query.where(_on_side(Assignment.due_at, edge, after)
                                | and_(Assignment.due_at.is_(None),
                                       _on_side(Assignment.created_at, edge, after)))
    return tuple(db.session.scalars(query))


def _on_side(column, edge: datetime, after: bool):
    return and_(column.is_not(None), column >= edge if after else column < edge)
