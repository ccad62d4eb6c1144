"""The status rows of a dashboard view as a statement built once per process.

`status_query` is ~30,000 characters of SQL (every kind's progress subquery, the target
matching, the personal due date): SQLAlchemy spent more CPU constructing it and computing
its cache key than the database spent running it for a team of 200. The statements here
are built once per shape, with the request's values as bound parameters — the instant, the
assignments in view and the people in view (their ids, or the departments and position
that select them) — so the same object keeps its cache key and its compiled form. Nothing
of a request or a viewer is in a cached statement: the scope is only in the parameters
(`tests/web/test_dashboard_statement_cache.py`)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select

from app.models import User
from app.models.assignments import Assignment
from app.services.assign.status import (
    items_params,
    kinds_of,
    listed_status_params,
    listed_status_query,
    status_query,
)
from app.services.org import subtree_ids
from app.services.reports.filters import View, live_assignments, people_in_view
from app.services.sql_hints import IdsParam, among


def view_status(view: View, order_by: tuple = ()) -> tuple[Select, dict]:
    """(statement, parameters) of every (assignment, person) status row in view, ordered by
    `order_by`. The people in view are resolved to their ids first (`scope.resolved_ids`):
    as a list they narrow every history table by its user index; more than the list's limit
    (an administrator's organisation) are selected in the statement by department and
    position, as `filters.people_ids` does. Only the progress of the kinds and items of the
    assignments in view is joined (`status.listed_status_query`)."""
    people = people_in_view(view, owing=False)
    wanted = set(view.assignment_ids)
    assignments = [a for a in live_assignments(view) if a.id in wanted]
    kinds = kinds_of(assignments)
    if isinstance(people, list):
        return (listed_status_query(order_by, kinds),
                listed_status_params(view.now, view.assignment_ids, people, assignments))
    departments = _departments(view)
    position = view.filters.position_id or None
    params = {"status_now": view.now, "status_assignments": list(view.assignment_ids),
              **items_params(assignments)}
    if departments is not None:
        params["status_departments"] = sorted(departments)
    if position is not None:
        params["status_position"] = position
    return (_selected_status_query(order_by, departments is not None, position is not None,
                                   kinds), params)


def _departments(view: View) -> set[int] | None:
    """The departments whose people are in view (None: every department)."""
    found = view.scope
    if view.filters.department_id:
        subtree = subtree_ids({view.filters.department_id})
        found = subtree if found is None else found & subtree
    return found


@cache
def _selected_status_query(order_by: tuple, by_department: bool, by_position: bool,
                           kinds: tuple[str, ...] | None = None) -> Select:
    """`status_query` for the active people of some departments (`status_departments`)
    and of one position (`status_position`), each only when asked; only the progress of
    `kinds`, of the items given, joined (`listed_status_query`)."""
    people = select(User.id).where(User.active.is_(True))
    if by_department:
        people = people.where(among(User.department_id, IdsParam("status_departments")))
    if by_position:
        people = people.where(User.position_id == bindparam("status_position"))
    query = status_query(bindparam("status_now", type_=Assignment.due_at.type),
                         among(Assignment.id, IdsParam("status_assignments")),
                         User.id.in_(people), user_filter=people, kinds=kinds,
                         items=True)
    return query.order_by(*order_by) if order_by else query
