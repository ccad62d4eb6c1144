"""The provider's members → people, by userid (first sync: by 工号 = userid, or by the userid
an admin uploaded): name, department, 岗位 (职务 by name or by an admin's alias), departments
led (supervisor), hire date; people who left or are disabled are deactivated (history kept,
sessions ended). Phone, email and avatar are never read, so never written."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Position, PositionAlias, User
from app.permissions import Role
from app.services import accounts
from app.services.directory_sync.departments import DepartmentMap
from app.services.directory_sync.report import SyncReport
from app.services.errors import DomainError
from app.services.identity.base import DirectoryMember, Provider
from app.services.webhooks import user_synced

SUPERVISOR = Role.SUPERVISOR.value
# The password of an account the sync creates is 32 random bytes that nobody is ever told:
# nothing can guess it, so a slow hash would protect nothing and cost ~0.4 s a person (a
# first sync of 500 people took 216 s with scrypt, 4 s like this). A password an admin
# resets later is hashed with PASSWORD_HASH_METHOD as usual.
UNUSABLE_PASSWORD_HASH = "pbkdf2:sha256:1000"


@dataclass
class MemberContext:
    provider: Provider
    departments: DepartmentMap
    led_by_list: dict[str, set[str]]  # userid → department ids (department_leader)
    positions: dict[str, int]  # 职务 / alias name → position id
    report: SyncReport


def position_names() -> dict[str, int]:
    """岗位 by name, then the admin's aliases (a 岗位's own name wins)."""
    names = {alias.name: alias.position_id for alias in db.session.scalars(select(PositionAlias))}
    names.update({p.name: p.id for p in db.session.scalars(select(Position))})
    return names


def sync_members(ctx: MemberContext, members: list[DirectoryMember]) -> None:
    """Create, update and deactivate; counted in report.users. Flushes."""
    column = getattr(User, ctx.provider.user_column)
    linked = {getattr(u, ctx.provider.user_column): u
              for u in db.session.scalars(select(User).where(column.is_not(None)))}
    userids = [m.userid for m in members]
    by_login = {u.login: u for u in db.session.scalars(
        select(User).where(User.login.in_(userids), column.is_(None)))} if userids else {}
    for member in members:
        user = linked.get(member.userid) or by_login.get(member.userid)
        try:
            if user is None:
                if member.active:
                    _create(ctx, member)
            else:
                _update(ctx, user, member)
        except DomainError as error:
            ctx.report.user_error(member.userid, error)
    present = set(userids)
    for userid, user in linked.items():
        if userid not in present:
            try:
                _deactivate(ctx, user) or _count(ctx, "unchanged")
            except DomainError as error:
                ctx.report.user_error(userid, error)


def _count(ctx: MemberContext, outcome: str) -> None:
    ctx.report.users[outcome] += 1


def _department_id(ctx: MemberContext, member: DirectoryMember) -> int | None:
    """Their main department's, else their first other one's; None below a 院区 only."""
    for dept_id in (member.main_department, *member.department_ids):
        dept = ctx.departments.departments.get(dept_id or "")
        if dept is not None:
            return dept.id
    return None


def _position_id(ctx: MemberContext, member: DirectoryMember, current: int | None) -> int | None:
    if not member.position:
        return current
    if member.position in ctx.positions:
        return ctx.positions[member.position]
    ctx.report.unknown_positions.add(member.position)
    return current


def _leads(ctx: MemberContext, member: DirectoryMember) -> set[int]:
    led = member.leader_of | ctx.led_by_list.get(member.userid, set())
    return {ctx.departments.departments[d].id for d in led if d in ctx.departments.departments}


def _create(ctx: MemberContext, member: DirectoryMember) -> None:
    led = _leads(ctx, member)
    data = accounts.UserData(
        login=member.userid, name=member.name, department_id=_department_id(ctx, member),
        position_id=_position_id(ctx, member, None),
        roles={Role.EMPLOYEE.value} | ({SUPERVISOR} if led else set()),
        led_department_ids=led, hire_date=member.hire_date)
    try:
        user, _password = accounts.create_user(data, secrets.token_urlsafe(32),
                                               hash_method=UNUSABLE_PASSWORD_HASH)
    except DomainError as error:
        raise DomainError(_l("%(problem)s Upload the userid of this person's account (工号, "
                             "userid) on the directory sync page.", problem=error)) from None
    user.must_change_password = False  # they sign in through the provider; nobody knows it
    setattr(user, ctx.provider.user_column, member.userid)
    db.session.flush()
    _count(ctx, "created")
    user_synced(user, "created", ctx.provider.name)


def _update(ctx: MemberContext, user: User, member: DirectoryMember) -> None:
    if not member.active:
        linked = getattr(user, ctx.provider.user_column) == member.userid
        setattr(user, ctx.provider.user_column, member.userid)
        if not _deactivate(ctx, user):
            _count(ctx, "unchanged" if linked else "updated")
        return
    data = _wanted(ctx, user, member)
    current = (user.name, user.department_id, user.position_id, set(user.roles),
               {d.id for d in user.led_departments}, user.hire_date,
               getattr(user, ctx.provider.user_column))
    if current == (data.name, data.department_id, data.position_id, data.roles,
                   data.led_department_ids, data.hire_date, member.userid):
        _count(ctx, "unchanged")
        return
    accounts.update_user(user, data)
    setattr(user, ctx.provider.user_column, member.userid)
    db.session.flush()
    _count(ctx, "updated")
    user_synced(user, "updated", ctx.provider.name)


def _wanted(ctx: MemberContext, user: User, member: DirectoryMember) -> accounts.UserData:
    """The user's data as the directory says it: departments led in the directory replace
    the provider's departments they led; others (set by an admin) stay."""
    column = ctx.provider.department_column
    kept = {d.id for d in user.led_departments if not getattr(d, column)}
    led = kept | _leads(ctx, member)
    roles = set(user.roles)
    if led:
        roles.add(SUPERVISOR)
    elif any(getattr(d, column) for d in user.led_departments):
        roles.discard(SUPERVISOR)  # they led the provider's departments only, and no more
        roles = roles or {Role.EMPLOYEE.value}
    return accounts.UserData(
        login=user.login, name=member.name, email=user.email, phone=user.phone,
        department_id=_department_id(ctx, member),
        position_id=_position_id(ctx, member, user.position_id), roles=roles,
        led_department_ids=led, hire_date=member.hire_date or user.hire_date)


def _deactivate(ctx: MemberContext, user: User) -> bool:
    """Deactivate through the accounts' path (sessions ended); False when already inactive.
    (Never reactivated by the sync: an admin does that.)"""
    if not user.active:
        return False
    accounts.set_active(user, False, actor=None)
    _count(ctx, "deactivated")
    user_synced(user, "deactivated", ctx.provider.name)
    return True
