"""Trainers create classes and schedule their sessions; the lists their pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ClassEnrolment, ClassSession, TrainingClass, User, UserRole
from app.services.content.slugs import unique_slug
from app.services.errors import DomainError, NotFound
from app.services.privacy import refuse_pii

MAX_CAPACITY = 1000


@dataclass
class ClassData:
    title: str
    description: str = ""
    pass_score: int | None = None


@dataclass
class SessionData:
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    trainer_id: int | None = None


def save_class(actor: User, training_class: TrainingClass | None, data: ClassData
               ) -> TrainingClass:
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_l("Enter a title."), field="title")
    refuse_pii(title, field="title", label=_l("Title"))
    refuse_pii(data.description, field="description", label=_l("Description"))
    if data.pass_score is not None and not 0 <= data.pass_score <= 100:
        raise DomainError(_l("The pass score is between 0 and 100."), field="pass_score")
    if training_class is None:
        training_class = TrainingClass(slug=unique_slug(TrainingClass, title, "class"),
                                       created_by_id=actor.id)
        db.session.add(training_class)
    training_class.title = title[:200]
    training_class.description = data.description or ""
    training_class.pass_score = data.pass_score
    db.session.flush()
    return training_class


def add_session(actor: User, training_class: TrainingClass, data: SessionData,
                now: datetime) -> ClassSession:
    if data.ends_at <= data.starts_at:
        raise DomainError(_l("A session ends after it starts."), field="ends_at")
    if data.ends_at <= now:
        raise DomainError(_l("This session would already be over."), field="ends_at")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise DomainError(_l("Capacity is between 1 and 1000 people."), field="capacity")
    place = (data.place or "").strip()
    if not place:
        raise DomainError(_l("Enter where the session takes place."), field="place")
    refuse_pii(place, field="place", label=_l("Place"))
    session = ClassSession(class_id=training_class.id, starts_at=data.starts_at,
                           ends_at=data.ends_at, place=place[:200], capacity=data.capacity,
                           trainer_id=data.trainer_id or actor.id)
    db.session.add(session)
    db.session.flush()
    return session


def get_class(class_id: int) -> TrainingClass:
    found = db.session.get(TrainingClass, class_id)
    if found is None:
        raise NotFound("class")
    return found


def get_session(session_id: int) -> ClassSession:
    found = db.session.get(ClassSession, session_id)
    if found is None:
        raise NotFound("session")
    return found


def class_overview() -> list:
    """Every class with its number of sessions and people enrolled (one statement)."""
    sessions = (select(ClassSession.class_id, func.count().label("sessions"),
                       func.sum(ClassSession.enrolled).label("enrolled"),
                       func.max(ClassSession.starts_at).label("last"))
                .group_by(ClassSession.class_id).subquery())
    return list(db.session.execute(
        select(TrainingClass, sessions.c.sessions, sessions.c.enrolled, sessions.c.last)
        .outerjoin(sessions, sessions.c.class_id == TrainingClass.id)
        .order_by(TrainingClass.archived, TrainingClass.title)))


def roster(session: ClassSession) -> list[tuple[ClassEnrolment, User]]:
    return list(db.session.execute(
        select(ClassEnrolment, User).join(User, User.id == ClassEnrolment.user_id)
        .where(ClassEnrolment.session_id == session.id).order_by(User.name, User.id)))


def trainers() -> list[User]:
    """Who may run a session: active trainers and administrators."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(("trainer", "admin")), User.active.is_(True))
        .distinct().order_by(User.name)))


def sessions_of(training_class: TrainingClass) -> list[ClassSession]:
    """The class's sessions not cancelled, with their trainers (one statement)."""
    return list(db.session.scalars(
        select(ClassSession).options(joinedload(ClassSession.trainer))
        .where(ClassSession.class_id == training_class.id, ClassSession.cancelled_at.is_(None))
        .order_by(ClassSession.starts_at)))
