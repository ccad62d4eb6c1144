"""Publishing freezes a working copy into an immutable, numbered version with its rows.

Written once for every versioned kind (see kinds.py): the kind's snapshot is hashed, compared
with the newest version and, when it differs, copied into a new version and its rows.
"""

from __future__ import annotations

import hashlib
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User
from app.services.content.kinds import VersionedKind
from app.services.errors import DomainError


def digest(payload: dict) -> str:
    """The SHA-256 of a snapshot as canonical JSON (keys sorted, so their order never counts)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def latest_version(kind: VersionedKind, item_id: int):
    """The newest version of the course or SOP module `item_id` (None before the first)."""
    model = kind.version_model
    return db.session.scalar(select(model).where(kind.owner_column == item_id)
                             .order_by(model.number.desc()).limit(1))


def _next_number(kind: VersionedKind, item_id: int) -> int:
    current = db.session.scalar(select(func.max(kind.version_model.number))
                                .where(kind.owner_column == item_id))
    return (current or 0) + 1


def publish(kind: VersionedKind, item, actor: User | None, change_note: str,
            requires_reack: bool = False):
    """Freeze the working copy as a new version; refuse when it has no row or nothing changed.

    `requires_reack` counts only for kinds whose versions can require re-acknowledgement, and
    never for a first version.
    """
    snapshot = kind.snapshot(item)
    if not snapshot[kind.rows]:
        raise DomainError(kind.empty_message)
    content_hash = digest(snapshot)
    latest = latest_version(kind, item.id)
    if latest is not None and latest.content_hash == content_hash:
        raise DomainError(_l("Nothing has changed since version %(number)d.",
                             number=latest.number))
    version = kind.version_model(
        **{kind.owner_field: item.id}, number=_next_number(kind, item.id),
        **{name: snapshot[name] for name in kind.header_fields},
        change_note=(change_note or "").strip(), content_hash=content_hash,
        published_by_id=actor.id if actor else None,
    )
    if kind.reacknowledged:
        version.requires_reack = bool(requires_reack and latest)
    setattr(version, kind.rows, [kind.row_model(rank=index, **row)
                                 for index, row in enumerate(snapshot[kind.rows])])
    try:  # the version number is the claim: two publishers at once, one of them wins
        with db.session.begin_nested():
            db.session.add(version)
            db.session.flush()
    except IntegrityError:
        raise DomainError(_l("Someone else published a version at the same moment. Reload "
                             "the page to see it.")) from None
    return version


def has_unpublished_changes(kind: VersionedKind, item) -> bool:
    latest = latest_version(kind, item.id)
    return latest is None or latest.content_hash != digest(kind.snapshot(item))
