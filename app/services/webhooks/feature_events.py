"""The webhook events of features that announce them in their own event points: certificate
validity (app/services/certificate_events.py), offline-class attendance and survey closing.
Each is emitted once (its dedupe key), inside the caller's transaction like every event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import ClassEnrolment, ClassSession, TrainingClass, User
from app.models.surveys import Survey, SurveyCompletion
from app.services import certificate_events
from app.services.webhooks.outbox import emit


def _login(user_id: int) -> str:
    return db.session.scalar(select(User.login).where(User.id == user_id)) or ""


def certificate_event(event: str, certificate, now: datetime, **_details) -> None:
    """certificate.expiring (30 and 7 days before) and certificate.expired, once each."""
    if event not in (certificate_events.EXPIRING, certificate_events.EXPIRED):
        return
    expires = certificate.expires_at
    stamp = f"{expires:%Y%m%d}" if expires else "none"
    suffix = f":{_details['days']}" if "days" in _details else ""
    emit(event, lambda: {
        "certificate_id": certificate.id, "code": certificate.code, "kind": certificate.kind,
        "item_id": certificate.item_id, "title": certificate.title,
        "user_id": certificate.user_id, "user_login": _login(certificate.user_id),
        "expires_at": expires}, now=now,
        dedupe_key=f"{event}:{certificate.id}:{stamp}{suffix}")


def class_attended(enrolment: ClassEnrolment, now: datetime) -> None:
    """class.attended once per enrolment, when it first counts as attended."""
    session = db.session.get(ClassSession, enrolment.session_id)
    emit("class.attended", lambda: {
        "class_id": enrolment.class_id, "session_id": enrolment.session_id,
        "title": db.session.scalar(select(TrainingClass.title).where(
            TrainingClass.id == enrolment.class_id)) or "",
        "user_id": enrolment.user_id, "user_login": _login(enrolment.user_id),
        "attended_at": enrolment.checked_out_at or enrolment.marked_at or now,
        "session_starts_at": session.starts_at if session else None},
        now=now, dedupe_key=f"class.attended:{enrolment.id}")


def survey_closed(survey: Survey, now: datetime) -> None:
    emit("survey.closed", lambda: {
        "survey_id": survey.id, "title": survey.title,
        "responses": db.session.scalar(select(func.count(SurveyCompletion.id)).where(
            SurveyCompletion.survey_id == survey.id)) or 0,
        "closed_at": now}, now=now, dedupe_key=f"survey.closed:{survey.id}")


certificate_events.subscribe(certificate_event)
