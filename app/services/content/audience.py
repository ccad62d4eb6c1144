"""Who content is meant for, and what a learner reads: the latest published version.

A course or SOP module with no audience positions and no audience departments is meant for
everyone; otherwise for the holders of one of its positions and for the people of one of its
departments or of any department below them. Archived and never-published content is meant
for nobody. One SELECT serves the lists and the single-object checks, so they always agree.
Written once for every versioned kind (kinds.py).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import Department, User
from app.services.content.kinds import COURSE, SOP_MODULE, VersionedKind


def _department_chain(department_id, name: str = "department_chain"):
    """A department and all its ancestors, as a recursive CTE (no extra query); `name` must
    differ between the CTEs of one statement."""
    chain = (select(Department.id, Department.parent_id)
             .where(Department.id == department_id)
             .cte(name, recursive=True))
    parent = select(Department.id, Department.parent_id).join(
        chain, Department.id == chain.c.parent_id)
    return chain.union(parent)  # UNION (not ALL) also stops on a damaged, cyclic tree


def meant_for(kind: VersionedKind, user: User) -> ColumnElement[bool]:
    """Whether an item of the kind (its model's row in the statement) is meant for `user`."""
    return _meant_for(kind, user.position_id, user.department_id)


def _meant_for(kind: VersionedKind, position_id, department_id) -> ColumnElement[bool]:
    """`meant_for` of a person holding `position_id` in `department_id` (values, or bound
    parameters of a statement built once; None: no position / no department)."""
    positions, departments, item_key = kind.audience
    by_position = positions.c[item_key] == kind.model.id
    by_department = departments.c[item_key] == kind.model.id
    clauses = [and_(~exists().where(by_position), ~exists().where(by_department))]
    if position_id is not None:
        clauses.append(exists().where(by_position, positions.c.position_id == position_id))
    if department_id is not None:
        chain = _department_chain(department_id, f"department_chain_{item_key}")
        clauses.append(exists().where(by_department,
                                      departments.c.department_id.in_(select(chain.c.id))))
    return or_(*clauses)


def latest_numbers(kind: VersionedKind):
    """item id → number of its latest version (a subquery whose id column is named as on the
    version: course_id, module_id)."""
    model = kind.version_model
    return (select(kind.owner_column, func.max(model.number).label("number"))
            .group_by(kind.owner_column).subquery(f"latest_{kind.key}"))


def visible(kind: VersionedKind, user: User, extra_ids: Collection[int] = ()) -> Select:
    """(item, latest version) of every item of the kind meant for the user — or among
    `extra_ids` (assigned to them) — in catalogue order."""
    return _visible(kind, meant_for(kind, user), list(extra_ids) if extra_ids else None)


def _visible(kind: VersionedKind, meant: ColumnElement[bool], extra_ids) -> Select:
    model, version_model = kind.model, kind.version_model
    latest = latest_numbers(kind)
    if extra_ids is not None:
        meant = or_(meant, model.id.in_(extra_ids))
    return (select(model, version_model)
            .join(latest, latest.c[kind.owner_field] == model.id)
            .join(version_model, and_(kind.owner_column == model.id,
                                      version_model.number == latest.c.number))
            .where(model.archived.is_(False), meant)
            .order_by(model.sort_order, model.id))


_FIND_STATEMENTS: dict[tuple, Select] = {}


def find_statement(kind: VersionedKind, position: bool, department: bool, extra: bool
                   ) -> Select:
    """`visible(…).where(slug)` built once per worker for each shape of person (with or
    without a position, a department, assigned extras), with bound parameters for the
    values: SQLAlchemy spent half a lesson page's time constructing this statement (the
    audience expression, its recursive CTE, the latest-version subquery) on every request.
    The SQL is the same as `visible`'s, so the lists and the single pages still agree."""
    key = (kind.key, position, department, extra)
    statement = _FIND_STATEMENTS.get(key)
    if statement is None:
        meant = _meant_for(kind, bindparam("audience_position") if position else None,
                           bindparam("audience_department") if department else None)
        extras = bindparam("audience_extra", expanding=True) if extra else None
        statement = _FIND_STATEMENTS[key] = _visible(kind, meant, extras).where(
            kind.model.slug == bindparam("audience_slug"))
    return statement


def find(kind: VersionedKind, user: User, slug: str, extra_ids: Collection[int] = ()):
    """(item, latest version) of the item with this slug, if it is meant for the user (or its
    id is among `extra_ids`: assigned to them); else None."""
    statement = find_statement(kind, user.position_id is not None,
                               user.department_id is not None, bool(extra_ids))
    params = {"audience_slug": slug, "audience_position": user.position_id,
              "audience_department": user.department_id}
    if extra_ids:
        params["audience_extra"] = list(extra_ids)
    row = db.session.execute(statement, params).first()
    return (row[0], row[1]) if row else None


# One name per kind for the modules that read one kind only.
course_meant_for = partial(meant_for, COURSE)
sop_module_meant_for = partial(meant_for, SOP_MODULE)
latest_course_numbers = partial(latest_numbers, COURSE)
visible_courses = partial(visible, COURSE)
visible_sop_modules = partial(visible, SOP_MODULE)
find_course = partial(find, COURSE)
find_sop_module = partial(find, SOP_MODULE)
