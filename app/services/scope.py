"""Object scope: whose records an actor may see. One query helper serves lists and single checks."""

from __future__ import annotations

from sqlalchemy import Select, select

from app.extensions import db
from app.models import User, department_leads
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


def team_members(actor: User) -> Select:
    """SELECT of the users the actor may see as their team (admins: everyone)."""
    query = select(User)
    scope = led_department_ids(actor)
    if scope is not None:
        query = query.where(User.department_id.in_(scope))
    return query


def get_team_member(actor: User, user_id: int) -> User | None:
    """The user with this id if it is in the actor's team, else None."""
    return db.session.scalar(team_members(actor).where(User.id == user_id))
