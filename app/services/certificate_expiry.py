"""Certificates that expire and renew (issue 19); run daily by
`flask --app wsgi certificates expire` (the reminders timer, before `reminders send`).

- `reminders_due`: certificates whose 30- or 7-day reminder is due today, each threshold
  claimed once by a conditional UPDATE (`reminded_days`, `reminded_on`); a second run the
  same day gets the same list (the channels' own keys make it send nothing twice).
- `lapse_expired`: each expired certificate is claimed exactly once (UPDATE … WHERE
  lapsed_at IS NULL: of two runs at once, one wins) and its owner gets a re-certification
  assignment (origin "recert") of the same item, due in the item's `recert_days` or the
  `certificates.recert_days` setting (default 30).
- `renew_completed`: a re-certification completed (done after it was given: status.py)
  renews the certificate from that day for the item's current validity.
Events go through app/services/certificate_events.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import Certificate, User
from app.models.assignments import Assignment, AssignmentTarget
from app.services import certificate_events as events
from app.services.app_settings import read_settings
from app.services.assign.status import status_query
from app.services.certificate_validity import REMINDER_DAYS, expiry_of, reminder_due
from app.services.items import kind_of

RECERT_SETTING = "certificates.recert_days"
DEFAULT_RECERT_DAYS = 30


@dataclass(frozen=True)
class Expiring:
    certificate_id: int
    user_id: int
    kind: str
    title: str
    expires_at: datetime
    days: int  # the reminder: 30 or 7 days before the end
    user_name: str = ""
    email: str | None = None
    locale: str | None = None
    department_id: int | None = None


def reminders_due(now: datetime, day: str, *, claim: bool) -> list[Expiring]:
    """Certificates of active people whose next reminder is due on `day` (China time);
    `claim` False (a dry run) writes nothing."""
    rows = db.session.execute(
        select(Certificate.id, Certificate.user_id, Certificate.kind, Certificate.title,
               Certificate.expires_at, Certificate.reminded_days, Certificate.reminded_on,
               User.name, User.email, User.locale, User.department_id)
        .join(User, User.id == Certificate.user_id)
        .where(User.active.is_(True), Certificate.lapsed_at.is_(None),
               Certificate.expires_at > now,
               Certificate.expires_at <= now + timedelta(days=max(REMINDER_DAYS)))
        .order_by(Certificate.user_id, Certificate.expires_at)).all()
    due = []
    for row in rows:
        days = reminder_due(row.expires_at, now)
        again = row.reminded_days == days and row.reminded_on == day
        if not again and row.reminded_days is not None and row.reminded_days <= days:
            continue  # this reminder was given on an earlier day
        if not again and claim and not _claim_reminder(row.id, days, day):
            continue
        item = Expiring(row.id, row.user_id, row.kind, row.title, row.expires_at, days,
                        row.name, row.email, row.locale, row.department_id)
        due.append(item)
        if not again and claim:
            events.emit(events.EXPIRING, db.session.get(Certificate, row.id), now, days=days)
    return due


def _claim_reminder(certificate_id: int, days: int, day: str) -> bool:
    return bool(db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate_id,
               or_(Certificate.reminded_days.is_(None), Certificate.reminded_days > days))
        .values(reminded_days=days, reminded_on=day)
        .execution_options(synchronize_session=False)).rowcount)


def recert_days_default() -> int:
    value = read_settings(RECERT_SETTING).get(RECERT_SETTING)
    return value if isinstance(value, int) and 1 <= value <= 365 else DEFAULT_RECERT_DAYS


def lapse_expired(now: datetime) -> list[Assignment]:
    """Claim every expired certificate not claimed yet and give its owner the
    re-certification; returns the assignments created (by this run only)."""
    ids = db.session.scalars(
        select(Certificate.id).join(User, User.id == Certificate.user_id)
        .where(User.active.is_(True), Certificate.expires_at <= now,
               Certificate.lapsed_at.is_(None))).all()  # a deactivated account waits
    default_days, created = recert_days_default(), []
    for certificate_id in ids:
        taken = db.session.execute(
            update(Certificate)
            .where(Certificate.id == certificate_id, Certificate.lapsed_at.is_(None),
                   Certificate.expires_at <= now)
            .values(lapsed_at=now).execution_options(synchronize_session=False)).rowcount
        if not taken:
            continue  # another run claimed it
        certificate = db.session.get(Certificate, certificate_id)
        db.session.refresh(certificate)
        assignment = _renewal_assignment(certificate, now, default_days)
        certificate.renewal_assignment_id = assignment.id
        created.append(assignment)
        events.emit(events.EXPIRED, certificate, now, assignment=assignment)
    db.session.flush()
    return created


def _renewal_assignment(certificate: Certificate, now: datetime,
                        default_days: int) -> Assignment:
    kind = kind_of(certificate.kind)
    item = db.session.get(kind.model, certificate.item_id)
    days = getattr(item, "recert_days", None) or default_days
    assignment = Assignment(origin="recert", starts_at=now, due_at=now + timedelta(days=days),
                            required=True)
    assignment.set_item(kind.key, certificate.item_id)
    if kind.practice:  # an acknowledgement cannot be repeated: one run signed off renews it
        assignment.acknowledge, assignment.practice_runs = False, 1
    assignment.targets = [AssignmentTarget(user_id=certificate.user_id)]
    db.session.add(assignment)
    db.session.flush()
    return assignment


def renew_completed(now: datetime) -> list[Certificate]:
    """Renew every certificate whose re-certification is completed; returns them."""
    status = status_query(now, Assignment.origin == "recert").subquery("recert_status")
    rows = db.session.execute(
        select(Certificate, status.c.done_at)
        .join(status, (status.c.assignment_id == Certificate.renewal_assignment_id)
              & (status.c.user_id == Certificate.user_id))
        .where(status.c.status == "completed")).all()
    renewed = []
    for certificate, done_at in rows:
        kind = kind_of(certificate.kind)
        item = db.session.get(kind.model, certificate.item_id)
        expires_at = expiry_of(done_at or now, getattr(item, "validity_months", None))
        taken = db.session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.id,
                   Certificate.renewal_assignment_id == certificate.renewal_assignment_id)
            .values(expires_at=expires_at, reminded_days=None, reminded_on=None,
                    lapsed_at=None, renewal_assignment_id=None)
            .execution_options(synchronize_session=False)).rowcount
        if taken:
            db.session.refresh(certificate)
            renewed.append(certificate)
            events.emit(events.RENEWED, certificate, now)
    return renewed


def run_expiry(now: datetime) -> dict:
    """The daily run: renewals first, then lapses. The caller commits."""
    renewed = renew_completed(now)
    created = lapse_expired(now)
    return {"renewed": len(renewed), "recertifications": len(created)}
