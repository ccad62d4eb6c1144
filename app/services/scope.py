"""Object scope: whose records an actor may see. One query helper serves lists and single checks."""

from __future__ import annotations

from sqlalchemy import Select, select

from app.extensions import db
from app.models import Department, User, department_leads
from app.permissions import Role
from app.services.org import subtree_ids


def led_department_ids(actor: User) -> set[int] | None:
    """Departments (with sub-departments) the actor leads; None means every department."""
    if Role.ADMIN.value in actor.roles:
        return None
    roots = set(db.session.scalars(
        select(department_leads.c.department_id).where(department_leads.c.user_id == actor.id)
    ))
    return subtree_ids(roots) if roots else set()


def led_departments_query(actor: User) -> Select | None:
    """led_department_ids as a subquery (a recursive CTE of its own), for a statement that must
    not first run the two of led_department_ids; None means every department."""
    if Role.ADMIN.value in actor.roles:
        return None
    led = (select(department_leads.c.department_id.label("id"))
           .where(department_leads.c.user_id == actor.id)
           .cte("led_departments", recursive=True, nesting=True))
    led = led.union(select(Department.id).join(led, Department.parent_id == led.c.id))
    return select(led.c.id)


def team_members(actor: User, *, in_sql: bool = False) -> Select:
    """SELECT of the users the actor may see as their team (admins: everyone); `in_sql`: the
    departments as a subquery instead of ids looked up first."""
    query = select(User)
    scope = led_departments_query(actor) if in_sql else led_department_ids(actor)
    if scope is not None:
        query = query.where(User.department_id.in_(scope))
    return query


def get_team_member(actor: User, user_id: int) -> User | None:
    """The user with this id if it is in the actor's team, else None."""
    return db.session.scalar(team_members(actor).where(User.id == user_id))


RESOLVE_LIMIT = 1000  # people whose ids a report passes as a list (more: a subquery)


def resolved_ids(query: Select, limit: int = RESOLVE_LIMIT) -> Select | list[int]:
    """The ids a SELECT of ids finds, as a list when there are at most `limit` of them (one
    statement), else the SELECT itself. Given as a list, the person's index narrows every
    history table the status statement reads; as a subquery PostgreSQL read the attempts
    of the whole organisation and filtered them by a hash of the scope (a supervisor of
    200 in 10,000). An administrator's whole organisation stays a subquery (no parameter
    limit, no gain)."""
    ids = list(db.session.scalars(query.limit(limit + 1)))
    return query if len(ids) > limit else ids
