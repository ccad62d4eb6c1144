"""The header's counters for templates: `unread_notifications()`, `grading_waiting()` and
`review_waiting()` read one `services.badges` row, fetched when a template first asks (so a
page without the header, or a signed-out visitor, costs nothing) and kept for the request.

The bell's count comes with the signed-in user (`devices.find` counts the unread
notifications in the statement that loads them): a page of someone with the bell only then
runs no statement for its header. That count is used only while it is still the truth: when
the request has written anything since (opening a notification marks it read) or holds
changes not yet written, the count is read again.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db
from app.services import badges as badges_service
from app.services.badges import Badges, badges

_WRITES = "db_writes"


@event.listens_for(Engine, "before_cursor_execute")
def _count_writes(_conn, _cursor, statement, _params, context, executemany) -> None:
    """Count the request's statements that may have written (anything but a plain read)."""
    if not has_request_context():
        return
    if executemany or context is None or context.isinsert or context.isupdate \
            or context.isdelete or context.isddl \
            or not statement.lstrip()[:6].upper().startswith(("SELECT", "WITH")):
        setattr(g, _WRITES, g.get(_WRITES, 0) + 1)


def note_unread(user, unread: int) -> None:
    """The user's unread count as read with them, and how many writes the request had made."""
    if has_request_context():
        user.unread_when_loaded = (unread, g.get(_WRITES, 0))


def _known_unread(user) -> int | None:
    known = getattr(user, "unread_when_loaded", None)
    if known is None or known[1] != g.get(_WRITES, 0):
        return None
    session = db.session
    if session.new or session.dirty or session.deleted:
        return None
    return known[0]


def _badges() -> Badges:
    if "badges" not in g:
        if current_user.is_authenticated:
            user = current_user._get_current_object()
            g.badges = badges(user, unread=_known_unread(user))
        else:
            g.badges = Badges()
    return g.badges


def badge_count(count: int) -> str:
    """A queue tab's badge: the count, or "99+" from `badges.CAP` on (where its count stops)."""
    return str(count) if count < badges_service.CAP else f"{badges_service.CAP - 1}+"


def register_badges(app: Flask) -> None:
    @app.context_processor
    def badge_counts() -> dict:
        return {"badge_count": badge_count,
                "unread_notifications": lambda: _badges().unread,
                "grading_waiting": lambda: _badges().grading,
                "review_waiting": lambda: _badges().review}
