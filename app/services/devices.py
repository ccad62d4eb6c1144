"""Signed-in devices: one UserSession row per sign-in (password, later WeCom).

A sign-in gets a random token; its session and remember cookies carry the sign-in id
"<user id>:<session version>:<token>" (User.get_id) and the row keeps only the token's
sha256. A request is signed in when one statement finds the active account with that version
joined to a live row with that hash (`find`). Ending a row (`end`, `end_device`) signs out
that device and every copy of its cookies; raising the version (accounts.end_sessions) ends
every row of the account.

A row is live while it is not ended, younger than the remember lifetime (REMEMBER_DAYS: no
sign-in lasts longer) and, unless 在此设备上保持登录 was ticked, used within the session
lifetime (SESSION_HOURS). `last_seen_at` is written at most every TOUCH_EVERY, by a
conditional UPDATE, so an ordinary page view writes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, not_, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import User
from app.models.org import UserRole
from app.models.sign_ins import ADDRESS_LENGTH, USER_AGENT_LENGTH, UserSession
from app.services import kept_users, loaded
from app.services.sign_in import Client, clean

TOUCH_EVERY = timedelta(minutes=10)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Lifetimes:
    remember: timedelta = timedelta(days=30)  # REMEMBER_DAYS
    idle: timedelta = timedelta(hours=12)     # SESSION_HOURS, for devices not remembered

    @classmethod
    def from_settings(cls, settings: Mapping) -> Lifetimes:
        remember = settings.get("REMEMBER_COOKIE_DURATION", cls.remember)
        idle = settings.get("PERMANENT_SESSION_LIFETIME", cls.idle)
        if not isinstance(remember, timedelta):
            remember = timedelta(seconds=int(remember))
        if not isinstance(idle, timedelta):
            idle = timedelta(seconds=int(idle))
        return cls(remember=remember, idle=idle)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live(now: datetime, lifetimes: Lifetimes) -> ColumnElement[bool]:
    """The SQL condition of a row that still signs its device in."""
    return _live(now - lifetimes.remember, now - lifetimes.idle)


def is_live(device: UserSession, now: datetime, lifetimes: Lifetimes) -> bool:
    """`live` of a device row read before."""
    return (device.ended_at is None and device.created_at > now - lifetimes.remember
            and (device.remember or device.last_seen_at > now - lifetimes.idle))


def _live(created_after, seen_after) -> ColumnElement[bool]:
    return and_(UserSession.ended_at.is_(None),
                UserSession.created_at > created_after,
                or_(UserSession.remember.is_(True),
                    UserSession.last_seen_at > seen_after))


def open_sign_in(user: User, client: Client, remember: bool, now: datetime,
                 method: str = "password") -> tuple[UserSession, str]:
    """A new signed-in device of `user`: its row and the token its cookies carry."""
    token = secrets.token_urlsafe(32)
    device = UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now,
                         last_seen_at=now, address=clean(client.address, ADDRESS_LENGTH),
                         user_agent=clean(client.user_agent, USER_AGENT_LENGTH),
                         remember=bool(remember), method=method)
    db.session.add(device)
    db.session.flush()
    return device, token


def find(user_id: int, version: int, token: str, now: datetime, lifetimes: Lifetimes,
         keep: bool = False) -> tuple[User, UserSession, int] | None:
    """The active account with this id and session version, with its roles, its live device
    with this token and its count of unread notifications (the header's bell), in one
    statement — a Core one, the objects made from its rows (`loaded`); None when any of it
    does not hold. With `keep` (a request's user), the rows a worker kept for this device
    serve instead when the database has said nothing of them changed (kept_users); the
    device's lifetimes are checked against `now` either way."""
    if not _TOKEN.fullmatch(token):
        return None
    session = db.session
    hashed = token_hash(token)
    kept = kept_users.kept_for(db.engine) if keep else None
    generation = kept.ready(db.engine) if kept is not None else None
    key = (user_id, version, hashed)
    rows = kept.get(key) if generation is not None else None
    if rows is None:
        if session.autoflush:
            session.flush()  # as the ORM's own execute would (nothing pending at the start)
        rows = session.connection().execute(_find_statement(), {
            "device_user": user_id, "device_version": version, "device_token": hashed,
            "device_created_after": now - lifetimes.remember,
            "device_seen_after": now - lifetimes.idle}).all()
        if not rows:
            return None
        if generation is not None:
            kept.put(key, user_id, rows, generation)
    first, users, devices = rows[0], loaded.width(User), loaded.width(UserSession)
    user = loaded.persistent(session, User, first[:users])
    device = loaded.persistent(session, UserSession, first[users:users + devices])
    if kept is not None and not is_live(device, now, lifetimes):  # kept: the time checks
        kept.forget(key)
        return None
    if "role_rows" not in user.__dict__:  # one row per role, ordered by role; none: no roles
        set_committed_value(user, "role_rows", [
            loaded.persistent(session, UserRole, (user.id, row[-1]))
            for row in rows if row[-1] is not None])
    return user, device, int(first[users + devices] or 0)


@lru_cache(maxsize=1)
def _find_statement() -> Select:
    """`find`'s statement, built once per worker with bound parameters: the user's columns,
    the device's, the bell's count and one role per row (user_roles' columns are the user's
    id and the role)."""
    from app.services.assign.notify import unread_count_of

    roles = UserRole.__table__
    unread = unread_count_of(bindparam("device_user")).scalar_subquery().label("unread")
    return (
        select(*loaded.columns_of(User), *loaded.columns_of(UserSession), unread, roles.c.role)
        .select_from(User.__table__.join(UserSession.__table__,
                                         UserSession.user_id == User.id)
                     .outerjoin(roles, roles.c.user_id == User.id))
        .where(User.id == bindparam("device_user"), User.active.is_(True),
               User.session_version == bindparam("device_version"),
               UserSession.token_hash == bindparam("device_token"),
               _live(bindparam("device_created_after", type_=UserSession.created_at.type),
                     bindparam("device_seen_after", type_=UserSession.last_seen_at.type)))
        .order_by(roles.c.role))


def needs_touch(device: UserSession, now: datetime) -> bool:
    return device.last_seen_at < now - TOUCH_EVERY


def touch(device_id: int, user_id: int, now: datetime) -> bool:
    """Record that the device was used: on a connection of its own, committed at once (the
    request's own transaction may never be committed: a page view), and only when the row is
    older than TOUCH_EVERY, so two requests at once write it once. True when written."""
    with db.engine.begin() as connection:
        written = connection.execute(
            update(UserSession.__table__)
            .where(UserSession.id == device_id, UserSession.last_seen_at < now - TOUCH_EVERY)
            .values(last_seen_at=now)
            .execution_options(**{kept_users.USER_OPTION: user_id}))
    return written.rowcount == 1


def end(device: UserSession, now: datetime) -> None:
    """Sign this device out (its copied cookies too)."""
    db.session.execute(update(UserSession)
                       .where(UserSession.id == device.id, UserSession.ended_at.is_(None))
                       .values(ended_at=now)
                       .execution_options(synchronize_session=False,
                                          **{kept_users.USER_OPTION: device.user_id}))
    device.ended_at = device.ended_at or now


def device_of(user: User, device_id: int) -> UserSession | None:
    """One of the user's own devices (None for another person's or an unknown id)."""
    device = db.session.get(UserSession, device_id)
    return device if device is not None and device.user_id == user.id else None


def devices_of(user: User, now: datetime, lifetimes: Lifetimes) -> list[UserSession]:
    """The user's signed-in devices, the most recently used first."""
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, live(now, lifetimes))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def prune(now: datetime, lifetimes: Lifetimes) -> int:
    """Delete the rows that sign nobody in any more (ended or expired); how many."""
    return db.session.execute(
        delete(UserSession).where(not_(live(now, lifetimes)))
        .execution_options(synchronize_session=False)).rowcount
