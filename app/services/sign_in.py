"""Signing in with a per-account lock that does not depend on the address, and the audit log.

`attempt` is the whole sign-in: refused at once while the typed login is locked; otherwise
the password is checked, the attempt logged (SignInEvent) and a failure counted on the
login's SignInThrottle row. The `threshold`-th failure within `window` locks the login for
`first_lock`, doubled at each further lock up to `max_lock`; a lock level is forgotten a
day after its lock ended. An unknown 工号 is counted and locked exactly like a real one (the
answer never tells whether an account exists). A successful sign-in clears the failures;
an admin's unlock or password reset clears the lock too.

Two requests at once: the failure is counted with INSERT … ON CONFLICT DO UPDATE (a row
lock on PostgreSQL, writers take turns on SQLite), so both count; the lock is claimed with a
conditional UPDATE, so one request locks and tells the owner and the admins, once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, literal, or_, select, update

from app.extensions import db
from app.models import User, UserRole
from app.models.base import UTCDateTime
from app.models.sign_ins import (
    ADDRESS_LENGTH,
    LOGIN_LENGTH,
    USER_AGENT_LENGTH,
    SignInEvent,
    SignInThrottle,
)
from app.permissions import Role
from app.services import accounts
from app.services.assign.notify import notify
from app.services.records import insert_statement

OUTCOMES = ("success", "wrong_password", "unknown_account", "deactivated", "locked",
            "signed_out")
FAILURES = ("wrong_password", "unknown_account")  # what counts towards a lock
LEVEL_MEMORY = timedelta(days=1)  # a lock level is forgotten this long after the lock ended
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class LockPolicy:
    threshold: int = 5
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=5)
    max_lock: timedelta = timedelta(minutes=60)

    @classmethod
    def from_settings(cls, settings: Mapping) -> LockPolicy:
        """From LOGIN_LOCK_THRESHOLD, _WINDOW_MINUTES, _MINUTES and _MAX_MINUTES."""
        minutes = lambda name, default: timedelta(  # noqa: E731
            minutes=max(1, int(settings.get(name, default))))
        return cls(threshold=max(1, int(settings.get("LOGIN_LOCK_THRESHOLD", 5))),
                   window=minutes("LOGIN_LOCK_WINDOW_MINUTES", 15),
                   first_lock=minutes("LOGIN_LOCK_MINUTES", 5),
                   max_lock=minutes("LOGIN_LOCK_MAX_MINUTES", 60))

    def duration(self, level: int) -> timedelta:
        """How long the `level`-th lock in a row lasts (1: the first)."""
        return min(self.first_lock * 2 ** min(max(level - 1, 0), 20), self.max_lock)


@dataclass(frozen=True)
class Client:
    """Where an attempt came from."""

    address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class LockLinks:
    """Where the lock notifications lead: the owner's page, an admin's page of the account."""

    owner: str = ""
    admin: Callable[[int], str] = lambda _user_id: ""


@dataclass(frozen=True)
class Attempt:
    outcome: str                          # one of OUTCOMES
    user: User | None = None              # the signed-in user (success only)
    locked_until: datetime | None = None  # locked (now or by this failure) until then


def clean(text: str | None, length: int) -> str:
    """Typed text as it may be stored: no control characters, at most `length` characters."""
    return _CONTROL.sub("", text or "").strip()[:length]


def attempt(login: str, password: str, client: Client, policy: LockPolicy, now: datetime,
            links: LockLinks = LockLinks()) -> Attempt:
    """Sign in (or not) and log it; the caller commits either way."""
    key = clean(login, LOGIN_LENGTH)
    locked_until = current_lock(key, now)
    if locked_until is not None:
        user = db.session.scalar(select(User).where(User.login == key))
        log(key, user, client, "locked", now)
        return Attempt("locked", locked_until=locked_until)
    user, outcome = accounts.check_sign_in(login, password)
    # the counter first: the write that two failures at once take turns on
    locked_until = count_failure(key, policy, now) if outcome in FAILURES else None
    log(key, user, client, outcome, now)
    if outcome == "success":
        user.last_login_at = now
        clear_failures(key)
        db.session.flush()
        return Attempt(outcome, user)
    if locked_until is not None and user is not None:
        notify_lock(user, locked_until, now, links)
    return Attempt(outcome, locked_until=locked_until)


def log(login: str, user: User | None, client: Client, outcome: str, now: datetime,
        method: str = "password") -> None:
    db.session.add(SignInEvent(
        created_at=now, login=clean(login, LOGIN_LENGTH), user_id=user.id if user else None,
        address=clean(client.address, ADDRESS_LENGTH),
        user_agent=clean(client.user_agent, USER_AGENT_LENGTH), outcome=outcome,
        method=method))
    db.session.flush()


def current_lock(login: str, now: datetime) -> datetime | None:
    """The end of the login's lock, when it is locked now."""
    return db.session.scalar(select(SignInThrottle.locked_until).where(
        SignInThrottle.login == login, SignInThrottle.locked_until > now))


def count_failure(key: str, policy: LockPolicy, now: datetime) -> datetime | None:
    """Count one failure of `key`; when it reaches the threshold, lock the login: the end of
    the lock this request took (None when it took none)."""
    table = SignInThrottle.__table__.c
    stamp = literal(now, UTCDateTime())
    fresh = or_(table.window_started_at.is_(None),
                table.window_started_at < now - policy.window)
    forgotten = and_(table.locked_until.is_not(None), table.locked_until < now - LEVEL_MEMORY)
    statement = insert_statement(SignInThrottle).values(
        login=key, failures=1, window_started_at=now, locks=0, updated_at=now)
    counted = db.session.execute(statement.on_conflict_do_update(
        index_elements=["login"],
        set_={"failures": case((fresh, 1), else_=table.failures + 1),
              "window_started_at": case((fresh, stamp), else_=table.window_started_at),
              "locks": case((forgotten, 0), else_=table.locks),
              "updated_at": stamp},
    ).returning(table.failures, table.locks)).one()
    if counted.failures < policy.threshold:
        return None
    return _claim_lock(key, counted.locks, policy, now)


def _claim_lock(key: str, level: int, policy: LockPolicy, now: datetime) -> datetime | None:
    until = now + policy.duration(level + 1)
    claimed = db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.login == key, SignInThrottle.locks == level,
               SignInThrottle.failures >= policy.threshold,
               or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until <= now))
        .values(locks=level + 1, locked_until=until, failures=0, window_started_at=now,
                updated_at=now)
        .execution_options(synchronize_session=False))
    return until if claimed.rowcount == 1 else None


def clear_failures(login: str) -> None:
    """A successful sign-in: the run of failures starts again (the lock level stays)."""
    db.session.execute(update(SignInThrottle).where(SignInThrottle.login == login)
                       .values(failures=0, window_started_at=None)
                       .execution_options(synchronize_session=False))


def unlock(user: User, now: datetime) -> bool:
    """An admin's unlock (or a password reset): lock, level and failures forgotten. True
    when the account was locked."""
    row = accounts.forget_sign_in_failures(user)
    return row is not None and row.locked_until is not None and row.locked_until > now


def lock_of(user: User, now: datetime) -> SignInThrottle | None:
    """The account's throttle row while it is locked (for the admin's user page)."""
    return db.session.scalar(select(SignInThrottle).where(
        SignInThrottle.login == user.login, SignInThrottle.locked_until > now))


def notify_lock(user: User, until: datetime, now: datetime, links: LockLinks) -> None:
    """Tell the owner and every active administrator, once per lock (keys by its end)."""
    stamp = until.strftime("%Y%m%d%H%M%S")
    params = {"login": user.login, "name": user.name, "until": until.isoformat()}
    if user.active:
        notify(user.id, "account_locked", f"locked:{user.id}:{stamp}", now, url=links.owner,
               **params)
    admins = db.session.scalars(select(User.id).join(UserRole).where(
        UserRole.role == Role.ADMIN.value, User.active.is_(True)))
    for admin_id in admins:
        notify(admin_id, "account_locked_admin", f"locked-admin:{user.id}:{stamp}", now,
               url=links.admin(user.id), **params)
