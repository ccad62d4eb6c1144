"""Signed-in devices as the web sees them (app.services.devices): the user loader, signing a
device in, the current request's device.

How the token reaches the cookies: Flask-Login puts `user.get_id()` into the session at
`login_user` and copies the session's id into the remember cookie. `User.get_id` is
"<id>:<session version>:<token>", the token being a plain (unmapped) attribute of the User
object, set by `sign_in_device` just before `login_user` and by `load_user` on every request
from the id it was given. So both cookies carry the same device token, and the id Flask-Login
handles never differs from the one that loaded the user.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_login import current_user, login_user
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import login_manager
from app.models import User
from app.models.base import utcnow
from app.models.sign_ins import UserSession
from app.services import devices
from app.web.auth.sign_in_view import client
from app.web.badges import note_unread
from app.web.forms import MAX_ID

log = logging.getLogger(__name__)


def lifetimes() -> devices.Lifetimes:
    return devices.Lifetimes.from_settings(current_app.config)


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    """The user of a session or remember cookie's "<id>:<session version>:<token>": the
    active account with that version, with a live device row of that token (one statement).
    Anything else is signed out: an ended device, a raised version, a deactivated account,
    ids issued before devices ("<id>:<version>") or before versions ("<id>")."""
    parts = login_id.split(":")
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts[:2]):
        return None
    user_id, version, token = int(parts[0]), int(parts[1]), parts[2]
    if user_id > MAX_ID or version > MAX_ID:
        return None
    now = utcnow()
    found = devices.find(user_id, version, token, now, lifetimes(),
                         keep=current_app.config["KEEP_SIGNED_IN_USERS"])
    if found is None:
        return None
    user, device, unread = found
    user.device, user.device_token = device, token
    if devices.needs_touch(device, now):
        _touch(device, now)
    note_unread(user, unread)  # after the touch: that write changes no notification
    return user


def _touch(device: UserSession, now) -> None:
    """last_seen_at, rarely written; a failure (a busy database) costs only that."""
    try:
        devices.touch(device.id, device.user_id, now)
    except SQLAlchemyError:
        log.warning("could not record that device %s was used", device.id, exc_info=True)


def sign_in_device(user: User, remember: bool, method: str = "password") -> UserSession:
    """Sign this browser in as a new device of `user` (the caller commits); `method`: how
    (password, or an identity provider's name)."""
    device, token = devices.open_sign_in(user, client(), remember, utcnow(), method)
    user.device, user.device_token = device, token
    login_user(user, remember=remember)
    return device


def current_device() -> UserSession | None:
    """The signed-in device of this request."""
    if not current_user.is_authenticated:
        return None
    return getattr(current_user._get_current_object(), "device", None)
