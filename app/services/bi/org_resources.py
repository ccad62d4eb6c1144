"""People and departments for BI: no password hashes, no contact details."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.models import Department, Hospital, Position, User, UserRole
from app.permissions import Role
from app.services.bi.fields import (
    Key,
    Listing,
    Resource,
    boolean,
    custom,
    integer,
    string,
    timestamp,
)

ROLES_SCHEMA = {"type": "array", "items": {"type": "string", "enum": [r.value for r in Role]},
                "description": "The person's roles, sorted."}


def _roles(value: str | None) -> list[str]:
    return sorted(set(value.split(","))) if value else []


def _users(now: datetime) -> Listing:
    roles = (select(func.aggregate_strings(UserRole.role, ","))
             .where(UserRole.user_id == User.id).scalar_subquery())
    query = (select(User.id, User.login, User.name, User.department_id, User.position_id,
                    Position.name.label("position_name"), roles.label("roles"), User.active,
                    User.created_at, User.updated_at)
             .outerjoin(Position, Position.id == User.position_id))
    return Listing(query, (Key("updated_at", User.updated_at, "time"),
                           Key("id", User.id, "int")), User.updated_at)


USERS = Resource(
    name="users", scope="users", summary="People (accounts)",
    description="Every account of the organisation, active or deactivated (people are "
                "deactivated, never deleted).",
    fields=(integer("id"), string("login", "Employee number (工号)."), string("name"),
            integer("department_id", nullable=True), integer("position_id", nullable=True),
            string("position_name", nullable=True), custom("roles", ROLES_SCHEMA, _roles),
            boolean("active"), timestamp("created_at"), timestamp("updated_at")),
    listing=_users)


def _departments(now: datetime) -> Listing:
    query = (select(Department.id, Department.name, Department.parent_id,
                    Department.hospital_id, Hospital.name.label("hospital_name"),
                    Department.sort_order, Department.created_at, Department.updated_at)
             .join(Hospital, Hospital.id == Department.hospital_id))
    return Listing(query, (Key("updated_at", Department.updated_at, "time"),
                           Key("id", Department.id, "int")), Department.updated_at)


DEPARTMENTS = Resource(
    name="departments", scope="departments", summary="Departments",
    description="Departments with their parent (null at the top of a hospital's tree) and "
                "hospital (院区). A deleted department simply disappears: reload the whole "
                "list now and then to notice deletions.",
    fields=(integer("id"), string("name"), integer("parent_id", nullable=True),
            integer("hospital_id"), string("hospital_name"), integer("sort_order"),
            timestamp("created_at"), timestamp("updated_at")),
    listing=_departments)
