"""The user list (/admin/users) as a roster (花名册): the roster template's columns, so a
download can be edited and imported again through the roster import (`roster.py`), and an
unchanged file changes nothing.

- Headers are the translated column names when the import accepts them (中文 in zh, English
  in en), else the template's Chinese header; roles and status likewise.
- 院区 is the hospital of the person's department and of the departments they lead; the
  departments are written as their path inside it ("整形外科 / 护理组"). Someone whose
  departments lie in two hospitals gets an empty 院区 and "院区 / path" names instead, which
  the import reads without a hospital.
- 初始密码 stays empty (it only applies to new people); 状态 is 在职 or 离职.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Department, Hospital, User, UserRole
from app.permissions import ROLE_ALIASES, ROLE_CHINESE, Role
from app.services.exports import stream_scalars
from app.services.importers.roster import COLUMNS, STATUS
from app.services.org import department_paths, subtree_ids
from app.services.validation import like_contains

LABELS = {"login": _l("Employee number"), "name": _l("Name"), "hospital": _l("Hospital"),
          "department": _l("Department"), "position": _l("Position"), "roles": _l("Roles"),
          "phone": _l("Phone"), "email": _l("Email"), "leads": _l("Led departments"),
          "status": _l("Status"), "password": _l("Initial password"),
          "hire_date": _l("Hire date")}
ROLE_LABELS = {Role.EMPLOYEE: _l("Employee"), Role.SUPERVISOR: _l("Supervisor"),
               Role.TRAINER: _l("Trainer"), Role.ADMIN: _l("Administrator")}
STATUS_LABELS = {True: (_l("Active"), "在职"), False: (_l("Inactive"), "离职")}
BATCH = 500


@dataclass(frozen=True)
class UserFilters:
    """The filters of /admin/users: search text, department subtree, position, role and
    status (active, inactive or anything else for both)."""

    q: str = ""
    department_id: int | None = None
    position_id: int | None = None
    role: str | None = None
    status: str = "active"


def _normal(text: str) -> str:
    return "".join(text.split()).casefold()


def _accepted(label: object, accepted, fallback: str) -> str:
    """The translated word when the import reads it, else the Chinese one."""
    text = str(label)
    return text if _normal(text) in {_normal(a) for a in accepted} else fallback


def user_query(filters: UserFilters) -> Select:
    """SELECT of the users the list shows, by employee number."""
    query = select(User)
    if q := filters.q.strip():
        like = like_contains(q)
        query = query.where(or_(User.login.ilike(like, escape="\\"),
                                User.name.ilike(like, escape="\\")))
    if filters.department_id:
        query = query.where(User.department_id.in_(subtree_ids({filters.department_id})))
    if filters.position_id:
        query = query.where(User.position_id == filters.position_id)
    if filters.role:
        query = query.where(User.id.in_(select(UserRole.user_id)
                                        .where(UserRole.role == filters.role)))
    if filters.status in {"active", "inactive"}:
        query = query.where(User.active.is_(filters.status == "active"))
    return query.order_by(User.login)


def roster_headers() -> list[str]:
    return [_accepted(LABELS[c.key], c.names, c.names[0]) for c in COLUMNS]


def users_table(filters: UserFilters):
    """(headers, rows) of the filtered users in the roster's columns."""
    return roster_headers(), _rows(filters)


def _rows(filters: UserFilters) -> Iterator[list]:
    paths = department_paths()
    hospitals = dict(db.session.execute(
        select(Department.id, Hospital.name).join(Department.hospital)).all())
    roles = {role: _accepted(ROLE_LABELS[role], [k for k, v in ROLE_ALIASES.items()
                                                  if v == role], ROLE_CHINESE[role])
             for role in Role}
    status = {key: _accepted(label, STATUS, chinese)
              for key, (label, chinese) in STATUS_LABELS.items()}
    query = user_query(filters).options(
        joinedload(User.position), selectinload(User.role_rows),
        selectinload(User.led_departments))
    for user in stream_scalars(query, BATCH):
        ids = [user.department_id] if user.department_id else []
        led = sorted(d.id for d in user.led_departments)
        places = {hospitals[i] for i in (*ids, *led)}
        one = next(iter(places)) if len(places) == 1 else ""

        def name(department_id: int, one=one) -> str:
            path = paths.get(department_id, "")
            return path if one else f"{hospitals[department_id]} / {path}"
        yield [user.login, user.name, one, name(user.department_id) if ids else "",
               user.position.name if user.position else "",
               "、".join(roles[r] for r in Role if r.value in user.roles),
               user.phone or "", user.email or "", "、".join(name(i) for i in led),
               status[user.active], "", user.hire_date]
