"""The survey's event points, in one place: outside notifications (webhooks) hook in here."""

from __future__ import annotations

from datetime import datetime

from app.models import User
from app.models.surveys import Survey


def survey_closed(actor: User, survey: Survey, now: datetime) -> None:
    """A survey was closed (called once per survey, inside the closing transaction): the
    "survey.closed" webhook."""
    from app.services.webhooks.feature_events import survey_closed as announce

    announce(survey, now)
