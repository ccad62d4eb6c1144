"""THE permission table: which role may do what, and the @require decorator for views."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import lru_cache, wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import login_manager


class Role(StrEnum):
    EMPLOYEE = "employee"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    ADMIN = "admin"


class Permission(StrEnum):
    LEARN = "learn"                    # study, acknowledge, take quizzes, run checklists
    VIEW_TEAM = "view_team"            # see the people of the departments one leads
    AUTHOR_CONTENT = "author_content"  # write and publish courses, SOP modules, banks
    MANAGE_ORG = "manage_org"          # hospitals, departments, positions
    MANAGE_USERS = "manage_users"      # accounts, roles, roster import, password resets


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.EMPLOYEE: frozenset({Permission.LEARN}),
    Role.SUPERVISOR: frozenset({Permission.LEARN, Permission.VIEW_TEAM}),
    Role.TRAINER: frozenset({Permission.LEARN, Permission.AUTHOR_CONTENT}),
    Role.ADMIN: frozenset(Permission),
}

# Display order (highest first) decides which home page a user lands on.
ROLE_ORDER = (Role.ADMIN, Role.TRAINER, Role.SUPERVISOR, Role.EMPLOYEE)

ROLE_LABELS = {
    Role.EMPLOYEE: _l("Employee"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.TRAINER: _l("Trainer"),
    Role.ADMIN: _l("Administrator"),
}

# Names accepted in roster files and on the command line, whatever the UI language.
ROLE_ALIASES = {
    "员工": Role.EMPLOYEE, "employee": Role.EMPLOYEE,
    "主管": Role.SUPERVISOR, "supervisor": Role.SUPERVISOR,
    "培训师": Role.TRAINER, "讲师": Role.TRAINER, "trainer": Role.TRAINER,
    "管理员": Role.ADMIN, "admin": Role.ADMIN, "administrator": Role.ADMIN,
}

ROLE_CHINESE = {
    Role.EMPLOYEE: "员工", Role.SUPERVISOR: "主管", Role.TRAINER: "培训师", Role.ADMIN: "管理员",
}


def permissions_of(roles: Iterable[str]) -> frozenset[Permission]:
    """Every permission granted by a set of role names."""
    return _permissions_of(roles if isinstance(roles, frozenset) else frozenset(roles))


@lru_cache(maxsize=64)
def _permissions_of(roles: frozenset[str]) -> frozenset[Permission]:
    """(A page asks `can(…)` a dozen times: the union is computed once per set of roles.)"""
    granted: set[Permission] = set()
    for name in roles:
        if name in Role._value2member_map_:
            granted |= ROLE_PERMISSIONS[Role(name)]
    return frozenset(granted)


def granted_permissions(user) -> frozenset[Permission]:
    """Every permission of an authenticated, active user (none for anybody else)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return permissions_of(user.roles)


def has_permission(user, permission: Permission) -> bool:
    """True when an authenticated, active user holds the permission."""
    return permission in granted_permissions(user)


def sorted_roles(roles: Iterable[str]) -> list[Role]:
    """Roles in display order, highest first."""
    present = set(roles)
    return [role for role in ROLE_ORDER if role.value in present]


def require(*needed: Permission) -> Callable:
    """View decorator: anonymous → login page; lacking any of `needed` → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not all(has_permission(current_user, p) for p in needed):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permissions = needed
        return wrapped

    return decorator


def require_any(*allowed: Permission) -> Callable:
    """View decorator: anonymous → login page; holding none of `allowed` → 403.

    For pages shared by roles that reach them through different permissions (the grading
    queue: supervisors by VIEW_TEAM, trainers by AUTHOR_CONTENT). What each may see there is
    the view's object scope, not this check.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(has_permission(current_user, p) for p in allowed):
                abort(403)
            return view(*args, **kwargs)

        wrapped.any_permission = allowed
        return wrapped

    return decorator
