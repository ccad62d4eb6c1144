"""A survey as the evaluation of an item (课后评估): attaching it, and what a learner who has
finished the item is asked to answer. Kind-agnostic: every kind `SurveyAttachment` allows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from app.extensions import db
from app.models import User
from app.models.surveys import Survey, SurveyAttachment, SurveyCompletion
from app.services.errors import DomainError
from app.services.items import kind_of, kinds_for


def attachable() -> dict[str, list[tuple[int, str]]]:
    """kind → [(id, title)] of the items a survey may evaluate (one statement per kind)."""
    return {kind.key: [tuple(row) for row in db.session.execute(
                select(kind.model.id, kind.model.title).where(*kind.assignable())
                .order_by(*kind.order()))]
            for kind in kinds_for(SurveyAttachment)}


def attach(survey: Survey, kind_key: str, item_id: int | None) -> SurveyAttachment:
    kind = kind_of(kind_key)
    if kind is None or kind_key not in SurveyAttachment.item_kinds or item_id is None:
        raise DomainError(_l("Choose what the survey evaluates."), "item")
    if db.session.get(kind.model, item_id) is None:
        raise DomainError(_l("Choose what the survey evaluates."), "item")
    existing = db.session.scalar(select(SurveyAttachment).where(
        SurveyAttachment.survey_id == survey.id, kind.reference(SurveyAttachment) == item_id))
    if existing is not None:
        return existing
    row = SurveyAttachment(survey_id=survey.id)
    row.set_item(kind_key, item_id)
    db.session.add(row)
    db.session.flush()
    return row


def attachments_of(survey: Survey) -> list[tuple[SurveyAttachment, str, str]]:
    """(attachment, kind label, item title) of the survey's attachments."""
    rows = db.session.scalars(select(SurveyAttachment).where(
        SurveyAttachment.survey_id == survey.id).order_by(SurveyAttachment.id)).all()
    found = []
    for row in rows:
        kind = kind_of(row.kind)
        item = db.session.get(kind.model, row.item_id)
        found.append((row, kind.label, getattr(item, "title", "")))
    return found


def evaluations_due(user: User, kind_key: str, item_id: int) -> list[Survey]:
    """The open surveys evaluating this item that the user, who has finished it, has not
    answered yet (empty until the item is done): two statements."""
    kind = kind_of(kind_key)
    if kind_key not in SurveyAttachment.item_kinds:
        return []
    progress = kind.progress(select(User.id).where(User.id == user.id))
    done = db.session.scalar(select(progress.c.done).where(
        progress.c.user_id == user.id, progress.c.item_id == item_id))
    if not done:
        return []
    answered = and_(SurveyCompletion.survey_id == Survey.id,
                    SurveyCompletion.user_id == user.id)
    return list(db.session.scalars(
        select(Survey).join(SurveyAttachment, SurveyAttachment.survey_id == Survey.id)
        .where(kind.reference(SurveyAttachment) == item_id, Survey.state == "published",
               Survey.archived.is_(False), ~select(SurveyCompletion.id).where(answered).exists())
        .order_by(Survey.id)))
