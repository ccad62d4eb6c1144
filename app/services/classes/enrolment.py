"""Enrolling in a session (a seat claimed by a conditional UPDATE: never overbooked), leaving
it, and leave requests (请假) decided by the person's supervisor."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ClassEnrolment, ClassSession, TrainingClass, User
from app.permissions import Permission, permissions_of
from app.services.errors import DomainError, NotFound
from app.services.privacy import refuse_pii
from app.services.scope import get_team_member, team_members

MAX_REASON = 500


def may_enrol_others(actor: User, user_id: int) -> bool:
    """Trainers and admins enrol anyone; a supervisor the people they lead."""
    granted = permissions_of(actor.roles)
    if Permission.AUTHOR_CONTENT in granted:
        return True
    return (Permission.VIEW_TEAM in granted
            and get_team_member(actor, user_id) is not None)


def enrol(actor: User, session: ClassSession, user: User, now: datetime) -> ClassEnrolment:
    """Enrol `user` in `session` (the actor is the user, or may enrol others)."""
    if actor.id != user.id and not may_enrol_others(actor, user.id):
        raise NotFound("user")
    training_class = db.session.get(TrainingClass, session.class_id)
    if training_class.archived or session.cancelled_at is not None:
        raise DomainError(_l("This class is no longer offered."))
    if session.ends_at <= now:
        raise DomainError(_l("This session is over."))
    existing = db.session.scalar(select(ClassEnrolment).where(
        ClassEnrolment.class_id == session.class_id, ClassEnrolment.user_id == user.id))
    if existing is not None:
        raise DomainError(_l("Already enrolled in a session of this class (cancel it first "
                             "to change sessions)."))
    try:
        with db.session.begin_nested():
            _claim_seat(session)
            enrolment = ClassEnrolment(class_id=session.class_id, session_id=session.id,
                                       user_id=user.id, enrolled_by_id=actor.id,
                                       enrolled_at=now)
            db.session.add(enrolment)
            db.session.flush()
    except IntegrityError:  # the same person enrolled at the same moment elsewhere
        raise DomainError(_l("Already enrolled in a session of this class (cancel it first "
                             "to change sessions).")) from None
    db.session.refresh(session)
    return enrolment


def _claim_seat(session: ClassSession) -> None:
    claimed = db.session.execute(
        update(ClassSession)
        .where(ClassSession.id == session.id, ClassSession.enrolled < ClassSession.capacity,
               ClassSession.cancelled_at.is_(None))
        .values(enrolled=ClassSession.enrolled + 1)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise DomainError(_l("Sorry, this session is full: every seat was taken. Choose "
                             "another session."))


def own_enrolment(user: User, enrolment_id: int) -> ClassEnrolment:
    enrolment = db.session.get(ClassEnrolment, enrolment_id)
    if enrolment is None or enrolment.user_id != user.id:
        raise NotFound("enrolment")
    return enrolment


def cancel(user: User, enrolment: ClassEnrolment, now: datetime) -> None:
    """The person leaves a session that has not started (their seat is given back)."""
    session = db.session.get(ClassSession, enrolment.session_id)
    if session.starts_at <= now or enrolment.checked_in_at is not None:
        raise DomainError(_l("The session has started: ask for leave instead."))
    # claimed: of two cancels at once (two taps, two devices) one gives the seat back
    gone = db.session.execute(delete(ClassEnrolment).where(
        ClassEnrolment.id == enrolment.id, ClassEnrolment.checked_in_at.is_(None))
        .execution_options(synchronize_session=False))
    if gone.rowcount != 1:
        raise DomainError(_l("Your enrolment is cancelled."))
    db.session.expunge(enrolment)
    db.session.execute(update(ClassSession).where(ClassSession.id == session.id,
                                                  ClassSession.enrolled > 0)
                       .values(enrolled=ClassSession.enrolled - 1)
                       .execution_options(synchronize_session=False))


def request_leave(user: User, enrolment: ClassEnrolment, reason: str, now: datetime) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why you need leave."), field="reason")
    refuse_pii(reason, field="reason", label=_l("Reason"))
    session = db.session.get(ClassSession, enrolment.session_id)
    if session.ends_at <= now or enrolment.checked_in_at is not None:
        raise DomainError(_l("Leave can only be asked for before you attend."))
    if enrolment.leave_status in ("pending", "approved"):
        raise DomainError(_l("You have already asked for leave."))
    enrolment.leave_status, enrolment.leave_reason = "pending", reason[:MAX_REASON]
    enrolment.leave_decided_by_id = enrolment.leave_decided_at = None
    db.session.flush()


def leave_queue(actor: User) -> list:
    """Pending leave requests of the people the actor leads, oldest session first."""
    team = team_members(actor, in_sql=True).with_only_columns(User.id)
    return list(db.session.execute(
        select(ClassEnrolment, User, ClassSession, TrainingClass)
        .join(User, User.id == ClassEnrolment.user_id)
        .join(ClassSession, ClassSession.id == ClassEnrolment.session_id)
        .join(TrainingClass, TrainingClass.id == ClassEnrolment.class_id)
        .where(ClassEnrolment.leave_status == "pending", ClassEnrolment.user_id.in_(team))
        .order_by(ClassSession.starts_at, User.name)))


def decide_leave(actor: User, enrolment_id: int, approve: bool, now: datetime) -> str:
    """Approve or reject a pending request of someone the actor leads; claimed with a
    conditional UPDATE, so two supervisors deciding at once decide it once."""
    enrolment = db.session.get(ClassEnrolment, enrolment_id)
    if enrolment is None or get_team_member(actor, enrolment.user_id) is None:
        raise NotFound("enrolment")
    status = "approved" if approve else "rejected"
    done = db.session.execute(
        update(ClassEnrolment)
        .where(ClassEnrolment.id == enrolment_id, ClassEnrolment.leave_status == "pending")
        .values(leave_status=status, leave_decided_by_id=actor.id, leave_decided_at=now)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise DomainError(_l("This request has already been decided."))
    db.session.expire(enrolment)
    return status


def upcoming_sessions(now: datetime) -> list:
    """Sessions still open for enrolment, with their class (for the supervisor's form)."""
    return list(db.session.execute(
        select(ClassSession, TrainingClass)
        .join(TrainingClass, TrainingClass.id == ClassSession.class_id)
        .where(ClassSession.ends_at > now, ClassSession.cancelled_at.is_(None),
               TrainingClass.archived.is_(False))
        .order_by(ClassSession.starts_at)))
