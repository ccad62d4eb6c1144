"""Offline classes for tests: a class with one session, built through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.extensions import db
from app.models.base import utcnow
from app.services.classes import authoring
from tests.learning_factories import person


def make_class(title: str = "注射礼仪面授", *, capacity: int = 10, pass_score: int | None = None,
               starts_at: datetime | None = None, hours: int = 2):
    """(class, session): the session starts at `starts_at` (default: in one hour)."""
    trainer = person("trainer")
    training_class = authoring.save_class(trainer, None, authoring.ClassData(
        title, "带教实操", pass_score))
    start = starts_at or utcnow() + timedelta(hours=1)
    session = authoring.add_session(trainer, training_class, authoring.SessionData(
        start, start + timedelta(hours=hours), "三楼培训室", capacity), start - timedelta(days=1))
    db.session.commit()
    return training_class, session
