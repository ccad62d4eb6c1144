"""The header's counters for templates: `unread_notifications()`, `grading_waiting()` and
`review_waiting()` read one `services.badges` row, fetched when a template first asks (so a
page without the header, or a signed-out visitor, costs nothing) and kept for the request."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from app.services.badges import Badges, badges


def _badges() -> Badges:
    if "badges" not in g:
        g.badges = badges(current_user) if current_user.is_authenticated else Badges()
    return g.badges


def register_badges(app: Flask) -> None:
    @app.context_processor
    def badge_counts() -> dict:
        return {"unread_notifications": lambda: _badges().unread,
                "grading_waiting": lambda: _badges().grading,
                "review_waiting": lambda: _badges().review}
