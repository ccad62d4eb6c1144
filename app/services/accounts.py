"""User accounts: create, edit, roles, deactivate, passwords and sign-in."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Department, Position, User, UserRole
from app.models.base import utcnow
from app.models.sign_ins import SignInThrottle, UserSession
from app.permissions import Role
from app.services.errors import DomainError
from app.services.validation import (
    LOGIN_RE,
    check_password_strength,
    clean_day,
    clean_email,
    clean_login,
    clean_phone,
    clean_text,
)

# Compared against when the login does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


@dataclass
class UserData:
    """What an admin (or a roster row) says about a user."""

    login: str
    name: str
    email: str | None = None
    phone: str | None = None
    department_id: int | None = None
    position_id: int | None = None
    roles: set[str] = field(default_factory=lambda: {Role.EMPLOYEE.value})
    led_department_ids: set[int] = field(default_factory=set)
    # 入职日期: a date or text as people write it; None → the day the account was created
    hire_date: date | str | None = None


def hash_password(password: str, method: str) -> str:
    """`method` is the PASSWORD_HASH_METHOD setting, passed by the view or command."""
    return generate_password_hash(password, method=method)


def temporary_password() -> str:
    """A random 10-character password with letters and digits, easy to read aloud."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "Il1O0o")
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


HIRE_DATE = _l("Hire date")


def clean_user_data(data: UserData, existing: User | None = None) -> UserData:
    """Check every field; raise DomainError naming the first bad field."""
    cleaned, problems = check_user_data(data, existing)
    if problems:
        raise problems[0]
    return cleaned


def check_user_data(data: UserData, existing: User | None = None
                    ) -> tuple[UserData, list[DomainError]]:
    """Check every field of `data`: the cleaned data (bad fields left as given) and every
    problem, each naming its field, in form order (the roster reports them all at once)."""
    problems: list[DomainError] = []

    def check(rule, *args, default=None, **kwargs):
        try:
            return rule(*args, **kwargs)
        except DomainError as problem:
            problems.append(problem)
            return default

    login = check(clean_login, data.login, default=data.login)
    if not problems:
        clash = db.session.scalar(select(User).where(User.login == login))
        if clash is not None and clash is not existing:
            problems.append(DomainError(_l("Employee number '%(login)s' is already taken.",
                                           login=login), "login"))
    name = check(clean_text, data.name, field="name", label=_l("Name"), max_length=100,
                 default=data.name)
    roles = {r for r in data.roles if r in Role._value2member_map_}
    if not roles:
        problems.append(DomainError(_l("Choose at least one role."), "roles"))
    elif data.led_department_ids and Role.SUPERVISOR.value not in roles:
        problems.append(DomainError(_l("Only supervisors lead departments."),
                                    "led_department_ids"))
    if data.department_id and db.session.get(Department, data.department_id) is None:
        problems.append(DomainError(_l("Choose an existing department."), "department_id"))
    if data.position_id and db.session.get(Position, data.position_id) is None:
        problems.append(DomainError(_l("Choose an existing position."), "position_id"))
    email = check(clean_email, data.email)
    phone = check(clean_phone, data.phone)
    hire_date = check(clean_day, data.hire_date, field="hire_date", label=HIRE_DATE)
    if hire_date is None:  # empty: the account's creation day
        hire_date = existing.created_at.date() if existing is not None else utcnow().date()
    return UserData(
        login=login, name=name, email=email, phone=phone,
        department_id=data.department_id or None, position_id=data.position_id or None,
        roles=roles, led_department_ids=set(data.led_department_ids), hire_date=hire_date,
    ), problems


def keep_an_admin(user: User, losing_admin: bool) -> None:
    """Refuse to let the last active administrator lose that role or be deactivated.

    `losing_admin`: the change at hand removes `user`'s administrator role or deactivates them.
    """
    if not losing_admin or Role.ADMIN.value not in user.roles or not user.active:
        return
    others = db.session.scalar(
        select(func.count(User.id)).join(UserRole).where(
            UserRole.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id
        )
    )
    if not others:
        raise DomainError(_l("Keep at least one active administrator."), "roles")


def apply_user_data(user: User, data: UserData) -> None:
    """Write checked data onto a user (roles and led departments replaced)."""
    keep_an_admin(user, Role.ADMIN.value not in data.roles)
    user.login, user.name, user.email, user.phone = data.login, data.name, data.email, data.phone
    user.department_id, user.position_id = data.department_id, data.position_id
    if isinstance(data.hire_date, date):
        user.hire_date = data.hire_date
    current = {row.role: row for row in user.role_rows}
    for role in set(current) - data.roles:
        user.role_rows.remove(current[role])
    for role in sorted(data.roles - set(current)):
        user.role_rows.append(UserRole(role=role))
    if {d.id for d in user.led_departments} != data.led_department_ids:
        user.led_departments = list(db.session.scalars(
            select(Department).where(Department.id.in_(data.led_department_ids))
        )) if data.led_department_ids else []


def create_user(data: UserData, password: str | None = None, *,
                hash_method: str) -> tuple[User, str]:
    """A new account that must change its password at first sign-in; returns the password."""
    data = clean_user_data(data)
    password = password or temporary_password()
    user = User(password_hash=hash_password(password, hash_method), must_change_password=True,
                active=True)
    db.session.add(user)
    apply_user_data(user, data)
    flush_claiming_login(data.login)
    return user, password


def update_user(user: User, data: UserData) -> User:
    """Edit an account's details, roles and led departments."""
    data = clean_user_data(data, existing=user)
    apply_user_data(user, data)
    flush_claiming_login(data.login)
    return user


def flush_claiming_login(login: str) -> None:
    """Flush; when another request took the 工号 since it was checked (two admins, two roster
    imports at the same moment), the transaction is rolled back and the clash is a sentence,
    not a 500. Other integrity errors are not this function's to explain."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if "login" not in str(error.orig):
            raise
        db.session.rollback()
        raise DomainError(_l("Employee number '%(login)s' is already taken.", login=login),
                          "login") from error


def end_sessions(user: User) -> None:
    """End every session and remember cookie of the account, on every device: each signed-in
    device's row is ended and the session version in their sign-in id no longer matches
    (raised in SQL, so that two requests doing it at once both count). The caller signs the
    current device in again, as a new device, if it should stay."""
    user.session_version = User.session_version + 1
    db.session.execute(update(UserSession)
                       .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(user, ["session_version"])


def set_active(user: User, active: bool, actor: User | None) -> None:
    """Deactivate (never delete) or reactivate an account; deactivating ends its sessions.
    `actor` None: the directory sync (someone who left WeCom / DingTalk)."""
    if not active and actor is not None and user.id == actor.id:
        raise DomainError(_l("You cannot deactivate your own account."))
    if not active:
        keep_an_admin(user, True)
        if user.active:
            end_sessions(user)
    user.active = active
    db.session.flush()


def reset_password(user: User, *, hash_method: str) -> str:
    """Give the user a temporary password they must change at next sign-in (and unlock the
    account)."""
    password = temporary_password()
    user.password_hash = hash_password(password, hash_method)
    user.must_change_password = True
    forget_sign_in_failures(user)
    end_sessions(user)
    return password


def forget_sign_in_failures(user: User) -> SignInThrottle | None:
    """Unlock the account: its failed sign-ins, lock and lock level are forgotten (see
    app.services.sign_in); the row that held them, if any."""
    row = db.session.get(SignInThrottle, user.login)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
    return row


def change_password(user: User, current: str, new: str, confirm: str, *,
                    hash_method: str) -> None:
    """The user's own password change; clears the first-sign-in flag and ends every session
    of the account (the view signs the current device in again)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise DomainError(_l("Current password is wrong."), "current_password")
    if new != confirm:
        raise DomainError(_l("The two new passwords do not match."), "confirm_password")
    if new == current:
        raise DomainError(_l("Choose a password different from the current one."),
                          "new_password")
    check_password_strength(new, user.login)
    user.password_hash = hash_password(new, hash_method)
    user.must_change_password = False
    end_sessions(user)


def check_sign_in(login: str, password: str) -> tuple[User | None, str]:
    """The account with this employee number (None when there is none) and the outcome:
    "success", "wrong_password", "unknown_account" or "deactivated" (right password, but the
    account is deactivated). Writes nothing; an unknown login costs a hash check too."""
    login = (login or "").strip()
    well_formed = bool(login) and LOGIN_RE.match(login)
    user = db.session.scalar(select(User).where(User.login == login)) if well_formed else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None, "unknown_account"
    if not check_password_hash(user.password_hash, password or ""):
        return user, "wrong_password"
    return user, "success" if user.active else "deactivated"


def authenticate(login: str, password: str) -> User | None:
    """The active user with this employee number and password, or None."""
    user, outcome = check_sign_in(login, password)
    if outcome != "success":
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user
