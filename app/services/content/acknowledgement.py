"""阅读并确认: a learner acknowledges one exact SOP version; the status of many modules at once.

Acknowledgements are append-only and idempotent per (user, version). An SOP module is
- unconfirmed when the user never acknowledged any of its versions;
- confirmed when the user acknowledged a version numbered at least as high as the latest
  version published with "requires re-acknowledgement" (any version, when none requires it);
- reack (需重新确认) when the user only acknowledged versions older than that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Acknowledgement, SopModule, SopVersion, SopVersionStep, User
from app.models.base import utcnow
from app.services.content.audience import visible_sop_modules
from app.services.errors import DomainError
from app.services.records import insert_if_absent


class AckStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    REACK = "reack"


@dataclass(frozen=True)
class AckState:
    status: AckStatus
    number: int | None = None  # the highest version number the user acknowledged
    at: datetime | None = None  # when they acknowledged that version
    reack_number: int | None = None  # the latest version that requires re-acknowledgement


def ack_states(user: User, module_ids: list[int]) -> dict[int, AckState]:
    """The user's status for each SOP module: two statements, however many modules."""
    if not module_ids:
        return {}
    reack = dict(db.session.execute(
        select(SopVersion.module_id, func.max(SopVersion.number))
        .where(SopVersion.module_id.in_(module_ids), SopVersion.requires_reack.is_(True))
        .group_by(SopVersion.module_id)).all())
    acked: dict[int, tuple[int, datetime]] = {}
    for module_id, number, at in db.session.execute(
        select(Acknowledgement.module_id, SopVersion.number, Acknowledgement.acknowledged_at)
        .join(SopVersion, SopVersion.id == Acknowledgement.version_id)
        .where(Acknowledgement.user_id == user.id, Acknowledgement.module_id.in_(module_ids))
    ):
        if module_id not in acked or number > acked[module_id][0]:
            acked[module_id] = (number, at)
    return {module_id: _state(acked.get(module_id), reack.get(module_id))
            for module_id in module_ids}


def _state(acked: tuple[int, datetime] | None, reack_number: int | None) -> AckState:
    if acked is None:
        return AckState(AckStatus.UNCONFIRMED, reack_number=reack_number)
    number, at = acked
    confirmed = reack_number is None or number >= reack_number
    return AckState(AckStatus.CONFIRMED if confirmed else AckStatus.REACK, number, at,
                    reack_number)


def ack_state(user: User, module_id: int) -> AckState:
    return ack_states(user, [module_id])[module_id]


@dataclass
class SopCard:
    module: SopModule  # the name the learner pages read
    version: SopVersion
    state: AckState


def sop_cards(user: User) -> list[SopCard]:
    """Every SOP module meant for the user, with their status: three statements in all."""
    rows = db.session.execute(visible_sop_modules(user)).all()
    states = ack_states(user, [sop_module.id for sop_module, _version in rows])
    return [SopCard(sop_module, version, states[sop_module.id]) for sop_module, version in rows]


def acknowledge(user: User, sop_module: SopModule, version: SopVersion) -> Acknowledgement:
    """Record that the user read and confirmed this version; again → the first record."""
    if version.module_id != sop_module.id:
        raise DomainError(_l("This version belongs to another SOP."))
    where = (Acknowledgement.user_id == user.id, Acknowledgement.version_id == version.id)
    existing = db.session.scalar(select(Acknowledgement).where(*where))
    if existing is not None:
        return existing
    insert_if_absent(Acknowledgement, {
        "user_id": user.id, "module_id": sop_module.id, "version_id": version.id,
        "acknowledged_at": utcnow(),
    }, ["user_id", "version_id"])  # a double tap that arrives twice at once adds one row
    return db.session.scalar(select(Acknowledgement).where(*where))


def changes_since(module_id: int, number: int | None) -> list[SopVersion]:
    """Versions published after `number` (all when None), newest first: what changed."""
    query = select(SopVersion).where(SopVersion.module_id == module_id)
    if number is not None:
        query = query.where(SopVersion.number > number)
    return list(db.session.scalars(query.order_by(SopVersion.number.desc())))


def version_steps(version: SopVersion) -> list[SopVersionStep]:
    """The steps of a version with their responsible positions (two statements)."""
    return list(db.session.scalars(
        select(SopVersionStep).where(SopVersionStep.version_id == version.id)
        .options(selectinload(SopVersionStep.responsible_position))
        .order_by(SopVersionStep.rank)))
