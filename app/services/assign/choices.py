"""What the "new assignment" form offers: the items that can be assigned (published, not
archived), and whom — the actor's people and departments (admin: everyone) and positions.
The service refuses anything else, whatever a POST sends."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services import org
from app.services.items import KINDS
from app.services.scope import led_department_ids


def assignable_items() -> dict[str, list[tuple[int, str]]]:
    """kind → [(id, title)] of what can be assigned now (one statement per kind)."""
    return {kind.key: [tuple(row) for row in db.session.execute(
                select(kind.model.id, kind.model.title).where(*kind.assignable())
                .order_by(*kind.order()))]
            for kind in KINDS.values()}


def people(actor: User) -> list[tuple[int, str, str, int | None]]:
    """(id, name, login, department_id) of the active people the actor may assign to."""
    query = select(User.id, User.name, User.login, User.department_id).where(
        User.active.is_(True)).order_by(User.department_id, User.login)
    scope = led_department_ids(actor)
    if scope is not None:
        query = query.where(User.department_id.in_(scope))
    return [tuple(row) for row in db.session.execute(query)]


def departments(actor: User) -> list[tuple[int, str]]:
    """(id, "hospital / parent / child") of the departments the actor may assign to."""
    return org.department_options(led_department_ids(actor))


def positions() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in org.list_positions()]
