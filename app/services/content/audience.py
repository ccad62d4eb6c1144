"""Who content is meant for, and what a learner reads: the latest published version.

A course or SOP module with no audience positions and no audience departments is meant for
everyone; otherwise for the holders of one of its positions and for the people of one of its
departments or of any department below them. Archived and never-published content is meant
for nobody. One SELECT serves the lists and the single-object checks, so they always agree.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, Table, and_, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import Course, CourseVersion, Department, SopModule, SopVersion, User
from app.models.content import (
    course_departments,
    course_positions,
    sop_module_departments,
    sop_module_positions,
)


def _department_chain(user: User, name: str = "department_chain"):
    """The user's department and all its ancestors, as a recursive CTE (no extra query);
    `name` must differ between the CTEs of one statement."""
    chain = (select(Department.id, Department.parent_id)
             .where(Department.id == user.department_id)
             .cte(name, recursive=True))
    parent = select(Department.id, Department.parent_id).join(
        chain, Department.id == chain.c.parent_id)
    return chain.union(parent)  # UNION (not ALL) also stops on a damaged, cyclic tree


def _meant_for(user: User, owner_id: ColumnElement, positions: Table, departments: Table,
               owner_key: str) -> ColumnElement[bool]:
    by_position = positions.c[owner_key] == owner_id
    by_department = departments.c[owner_key] == owner_id
    clauses = [and_(~exists().where(by_position), ~exists().where(by_department))]
    if user.position_id is not None:
        clauses.append(exists().where(by_position,
                                      positions.c.position_id == user.position_id))
    if user.department_id is not None:
        chain = _department_chain(user, f"department_chain_{owner_key}")
        clauses.append(exists().where(by_department,
                                      departments.c.department_id.in_(select(chain.c.id))))
    return or_(*clauses)


def course_meant_for(user: User) -> ColumnElement[bool]:
    return _meant_for(user, Course.id, course_positions, course_departments, "course_id")


def module_meant_for(user: User) -> ColumnElement[bool]:
    return _meant_for(user, SopModule.id, sop_module_positions, sop_module_departments,
                      "sop_module_id")


def latest_course_numbers():
    """course_id → number of its latest version (a subquery)."""
    return (select(CourseVersion.course_id, func.max(CourseVersion.number).label("number"))
            .group_by(CourseVersion.course_id).subquery("latest_course"))


def latest_sop_numbers():
    """module_id → number of its latest version (a subquery)."""
    return (select(SopVersion.module_id, func.max(SopVersion.number).label("number"))
            .group_by(SopVersion.module_id).subquery("latest_sop"))


def visible_courses(user: User, extra_ids: Collection[int] = ()
                    ) -> Select[tuple[Course, CourseVersion]]:
    """(course, latest version) of every course meant for the user — or among `extra_ids`
    (assigned to them) — in catalogue order."""
    latest = latest_course_numbers()
    return (select(Course, CourseVersion)
            .join(latest, latest.c.course_id == Course.id)
            .join(CourseVersion, and_(CourseVersion.course_id == Course.id,
                                      CourseVersion.number == latest.c.number))
            .where(Course.archived.is_(False),
                   _or_among(course_meant_for(user), Course.id, extra_ids))
            .order_by(Course.sort_order, Course.id))


def visible_modules(user: User, extra_ids: Collection[int] = ()
                    ) -> Select[tuple[SopModule, SopVersion]]:
    """(module, latest version) of every SOP module meant for the user — or among
    `extra_ids` (assigned to them) — in catalogue order."""
    latest = latest_sop_numbers()
    return (select(SopModule, SopVersion)
            .join(latest, latest.c.module_id == SopModule.id)
            .join(SopVersion, and_(SopVersion.module_id == SopModule.id,
                                   SopVersion.number == latest.c.number))
            .where(SopModule.archived.is_(False),
                   _or_among(module_meant_for(user), SopModule.id, extra_ids))
            .order_by(SopModule.sort_order, SopModule.id))


def _or_among(meant: ColumnElement[bool], column, extra_ids: Collection[int]):
    return or_(meant, column.in_(list(extra_ids))) if extra_ids else meant


def find_course(user: User, slug: str, extra_ids: Collection[int] = ()
                ) -> tuple[Course, CourseVersion] | None:
    """The course with this slug and its latest version, if it is meant for the user (or
    its id is among `extra_ids`: assigned to them)."""
    row = db.session.execute(visible_courses(user, extra_ids).where(Course.slug == slug)).first()
    return (row[0], row[1]) if row else None


def find_module(user: User, slug: str, extra_ids: Collection[int] = ()
                ) -> tuple[SopModule, SopVersion] | None:
    """The SOP module with this slug and its latest version, if it is meant for the user (or
    its id is among `extra_ids`: assigned to them)."""
    row = db.session.execute(
        visible_modules(user, extra_ids).where(SopModule.slug == slug)).first()
    return (row[0], row[1]) if row else None

