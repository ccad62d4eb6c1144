"""Attendance: check-in and check-out by scanning the trainer's QR code (qr.py), hand marks
with a reason (logged), scores, and the two ratings.

Time windows (the session's own times):
- check-in: from 30 minutes before the start until the end;
- check-out: from the start until 60 minutes after the end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.models import AttendanceMark, ClassEnrolment, ClassSession, User
from app.services.classes import qr
from app.services.errors import DomainError, NotFound
from app.services.privacy import refuse_pii

CHECK_IN_EARLY = timedelta(minutes=30)
CHECK_OUT_LATE = timedelta(minutes=60)
MAX_TEXT = 500


def window_open(session: ClassSession, action: str, now: datetime) -> bool:
    if action == "in":
        return session.starts_at - CHECK_IN_EARLY <= now <= session.ends_at
    return session.starts_at <= now <= session.ends_at + CHECK_OUT_LATE


def scanned(user: User, session: ClassSession, action: str, token: str | None,
            now: datetime) -> ClassEnrolment:
    """Check the person in or out with a token from the QR code; a clear refusal otherwise."""
    if not qr.token_valid(session.id, action, token, now):
        raise DomainError(_l("This QR code has expired. Scan the code on the trainer's "
                             "screen again."))
    if not window_open(session, action, now):
        raise DomainError(_l("Check-in is open from 30 minutes before the start until the end.")
                          if action == "in" else
                          _l("Check-out is open from the start until 60 minutes after the end."))
    enrolment = db.session.scalar(select(ClassEnrolment).where(
        ClassEnrolment.session_id == session.id, ClassEnrolment.user_id == user.id))
    if enrolment is None:
        raise DomainError(_l("You are not enrolled in this session. Ask the trainer to "
                             "enrol you."))
    column = (ClassEnrolment.checked_in_at if action == "in"
              else ClassEnrolment.checked_out_at)
    if action == "out" and enrolment.checked_in_at is None:
        raise DomainError(_l("Check in first."))
    # the first scan counts (a second one, or two at once, changes nothing)
    db.session.execute(update(ClassEnrolment)
                       .where(ClassEnrolment.id == enrolment.id, column.is_(None))
                       .values({column.key: now})
                       .execution_options(synchronize_session=False))
    db.session.expire(enrolment)
    _announce_if_attended(enrolment, now)
    return enrolment


def _announce_if_attended(enrolment: ClassEnrolment, now: datetime) -> None:
    """The class.attended webhook, once per enrolment (its dedupe key), when it first counts."""
    if state(enrolment, enrolment.session, now) == "present":
        from app.services.webhooks.feature_events import class_attended

        class_attended(enrolment, now)


def mark(actor: User, enrolment: ClassEnrolment, value: str, reason: str,
         now: datetime) -> None:
    """The trainer marks someone present or absent by hand; the reason is required and
    every mark is logged."""
    if value not in ("present", "absent"):
        raise DomainError(_l("Choose present or absent."), field="mark")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give a reason for marking attendance by hand."), field="reason")
    refuse_pii(reason, field="reason", label=_l("Reason"))
    enrolment.marked, enrolment.marked_at = value, now
    db.session.add(AttendanceMark(enrolment_id=enrolment.id, mark=value,
                                  reason=reason[:MAX_TEXT], marked_by_id=actor.id,
                                  marked_at=now))
    db.session.flush()
    _announce_if_attended(enrolment, now)


def grade(actor: User, enrolment: ClassEnrolment, score: int | None,
          trainer_rating: int | None) -> None:
    if score is not None and not 0 <= score <= 100:
        raise DomainError(_l("A score is between 0 and 100."), field="score")
    if trainer_rating is not None and not 1 <= trainer_rating <= 5:
        raise DomainError(_l("A rating is from 1 to 5."), field="trainer_rating")
    enrolment.score, enrolment.trainer_rating = score, trainer_rating
    db.session.flush()


def rate(user: User, enrolment: ClassEnrolment, rating: int, comment: str,
         now: datetime) -> None:
    """The attendee rates the session (once they attended it)."""
    if enrolment.user_id != user.id:
        raise NotFound("enrolment")
    if state(enrolment, enrolment.session, now) != "present":
        raise DomainError(_l("You can rate a session once you have attended it."))
    if not 1 <= (rating or 0) <= 5:
        raise DomainError(_l("A rating is from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    refuse_pii(comment, field="comment", label=_l("Comment"))
    enrolment.rating, enrolment.rating_comment = rating, comment[:MAX_TEXT]
    db.session.flush()


def state(enrolment: ClassEnrolment, session: ClassSession, now: datetime) -> str:
    """present | leave | absent | checked_in | enrolled (approved leave is never absent)."""
    if enrolment.marked == "present" or (enrolment.marked is None and enrolment.checked_in_at
                                         and enrolment.checked_out_at):
        return "present"
    if enrolment.leave_status == "approved":
        return "leave"
    if enrolment.marked == "absent" or (session.ends_at + CHECK_OUT_LATE < now):
        return "absent"
    return "checked_in" if enrolment.checked_in_at else "enrolled"


STATE_LABELS = {
    "present": _l("Attended"), "leave": _l("On leave"), "absent": _l("Absent"),
    "checked_in": _l("Checked in"), "enrolled": _l("Enrolled"),
}
MARK_LABELS = {"present": _l("Present"), "absent": _l("Absent")}
LEAVE_LABELS = {"pending": _l("Leave requested"), "approved": _l("Leave approved"),
                "rejected": _l("Leave rejected")}
EXPORT_HEADERS = (_l("Name"), _l("Login"), _l("Status"), _l("Checked in"), _l("Checked out"),
                  _l("Marked by hand"), _l("Leave"), _l("Score"), _l("Trainer's rating"),
                  _l("Rating of the session"), _l("Comment"))


def export_rows(session: ClassSession, rows, now: datetime):
    """The attendance sheet of a session, one row per person enrolled."""
    for enrolment, user in rows:
        yield (user.name, user.login, STATE_LABELS[state(enrolment, session, now)],
               enrolment.checked_in_at, enrolment.checked_out_at,
               MARK_LABELS.get(enrolment.marked or "", ""),
               LEAVE_LABELS.get(enrolment.leave_status or "", ""), enrolment.score,
               enrolment.trainer_rating, enrolment.rating, enrolment.rating_comment)
