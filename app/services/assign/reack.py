"""Automatic re-acknowledgement: a newly published SOP version that requires it becomes an
assignment — everyone the module is meant for owes an acknowledgement of (at least) that
version within N days — and they are told in-app at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from app.models import SopModule, SopVersion, User
from app.models.assignments import Assignment
from app.services.assign.assignments import assign_reacknowledgement
from app.services.assign.notify import notify_assigned
from app.services.errors import DomainError

DEFAULT_DAYS = 7
MAX_DAYS = 365


def check_days(days: int | None) -> int:
    """Days to re-acknowledge: blank → the default; otherwise 1 to 365."""
    if days is None:
        return DEFAULT_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(_l("Re-acknowledge within 1 to %(max)d days.", max=MAX_DAYS),
                          "reack_days")
    return days


def reacknowledge(module: SopModule, version: SopVersion, days: int, actor: User | None,
                  now: datetime) -> Assignment | None:
    """After publishing `version`: the re-acknowledgement assignment, due `days` days from
    `now`, with a "new assignment" notice to everyone it is for (None when the version does
    not require re-acknowledgement)."""
    if not version.requires_reack:
        return None
    assignment = assign_reacknowledgement(module, version, now + timedelta(days=days), actor,
                                          now)
    notify_assigned(now, Assignment.id == assignment.id)
    return assignment
