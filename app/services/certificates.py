"""Certificates (结业证书): issued once per person and course or learning path, when the
course is completed (every lesson of its latest version) or the path is (every item done;
see app/services/assign/progress.py and status.py for what "done" means) — and per SOP
module with a validity, when it is acknowledged (its validity is the acknowledgement's).

`issue_due_certificates` is idempotent and safe when two runs race: rows go in with
INSERT … ON CONFLICT DO NOTHING on the (user, kind, item) unique constraint. It runs for one
person when they open their certificates page, and for everyone from
`flask --app wsgi certificates issue` (cron). A certificate keeps the title it was issued
with. Its code (XXXX-XXXX-XXXX, 60 random bits from an alphabet without 0/O/1/I) is what
the public verification page looks up; that page shows only the name, title and date, and
whether the certificate is still valid (and until when: `expires_at`, copied from the item's
`validity_months` when issued; renewals: app/services/certificate_expiry.py).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Certificate, User
from app.permissions import Permission, permissions_of
from app.services.certificate_validity import SOON_DAYS, expiry_of
from app.services.errors import NotFound
from app.services.items import kinds_for
from app.services.scope import get_team_member, team_members
from app.services.webhooks import emit, subscribed

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: no 0/O, no 1/I
CODE_LENGTH = 12
CHUNK = 500  # rows per INSERT (SQLite allows 32766 parameters)
_CODE_RE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str | None) -> str | None:
    """A typed code as stored (upper case, dashes in place), or None when it cannot be one."""
    raw = re.sub(r"[\s\-‐-―－]", "", (text or "")[:64]).upper()
    if not _CODE_RE.fullmatch(raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def _due(kind, user_ids):
    """(user_id, item_id, title, validity_months) of every certificate of `kind` earned and
    not issued."""
    progress = kind.progress(user_ids)
    titles = kind.certificate_titles()
    months = kind.validity()[0] if kind.validity() else literal(None)
    only_valid = [months.is_not(None)] if kind.certificate_needs_validity else []
    return (select(progress.c.user_id, progress.c.item_id, titles.c.title, months)
            .join(titles, titles.c.item_id == progress.c.item_id)
            .join(kind.model, kind.model.id == progress.c.item_id)
            .join(User, User.id == progress.c.user_id)
            .outerjoin(Certificate, and_(Certificate.user_id == progress.c.user_id,
                                         kind.reference(Certificate) == progress.c.item_id))
            .where(progress.c.done == 1, User.active.is_(True), Certificate.id.is_(None),
                   *only_valid))


def issue_due_certificates(now: datetime, user_ids: Iterable[int] | None = None
                           ) -> list[Certificate]:
    """Issue every certificate earned and not yet issued (for `user_ids`, or everyone);
    returns the new ones. The caller commits."""
    ids = list(user_ids) if user_ids is not None else None
    rows = [{"user_id": user_id, "kind": kind.key, **_references(kind.key, item_id),
             "title": title[:200], "code": new_code(), "issued_at": now,
             "expires_at": expiry_of(now, months)}
            for kind in kinds_for(Certificate)
            for user_id, item_id, title, months in db.session.execute(_due(kind, ids))]
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    new_ids = [new_id for start in range(0, len(rows), CHUNK)
               for new_id in db.session.scalars(
                   insert(Certificate).values(rows[start:start + CHUNK])
                   .on_conflict_do_nothing().returning(Certificate.id))]
    issued = list(db.session.scalars(select(Certificate).where(Certificate.id.in_(new_ids))
                                     .order_by(Certificate.id))) if new_ids else []
    _emit_issued(issued, now)
    return issued


def _emit_issued(issued: list[Certificate], now: datetime) -> None:
    """A `certificate.issued` webhook per new certificate (when an endpoint listens)."""
    if not issued:
        return
    logins = dict(db.session.execute(select(User.id, User.login).where(
        User.id.in_({c.user_id for c in issued}))).all()) if subscribed("certificate.issued") \
        else {}
    for cert in issued:
        emit("certificate.issued", lambda cert=cert: {
            "certificate_id": cert.id, "code": cert.code, "kind": cert.kind,
            "item_id": cert.item_id, "title": cert.title,
            "user_id": cert.user_id, "user_login": logins.get(cert.user_id, ""),
            "issued_at": cert.issued_at}, now=now)


def _references(kind: str, item_id: int) -> dict[str, int | None]:
    """Every id column of a certificate row: the kind's set, the others None."""
    return {Certificate.item_column(other).key: item_id if other == kind else None
            for other in Certificate.item_kinds}


def certificates_of(user_id: int) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id)))


def needing_renewal(user_id: int, now: datetime) -> list[Certificate]:
    """The person's certificates expired or expiring within SOON_DAYS (one statement)."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id,
                                  Certificate.expires_at <= now + timedelta(days=SOON_DAYS))
        .order_by(Certificate.expires_at, Certificate.id)))


TEAM_RENEWALS_SHOWN = 50


def team_renewals(actor: User, now: datetime) -> list[tuple[Certificate, str]]:
    """(certificate, owner's name) of the actor's team expired or expiring within SOON_DAYS,
    soonest first, at most TEAM_RENEWALS_SHOWN (one statement, from the actor's scope)."""
    members = team_members(actor, in_sql=True).where(User.active.is_(True)).subquery()
    return [(certificate, name) for certificate, name in db.session.execute(
        select(Certificate, members.c.name).join(members, members.c.id == Certificate.user_id)
        .where(Certificate.expires_at <= now + timedelta(days=SOON_DAYS))
        .order_by(Certificate.expires_at, Certificate.id).limit(TEAM_RENEWALS_SHOWN))]


def certificate_for(actor: User, certificate_id: int) -> Certificate:
    """The certificate if the actor owns it or leads its owner (admins: any); else NotFound."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound("certificate")
    if certificate.user_id == actor.id:
        return certificate
    if (Permission.VIEW_TEAM in permissions_of(actor.roles)
            and get_team_member(actor, certificate.user_id) is not None):
        return certificate
    raise NotFound("certificate")


def verify(code: str | None) -> Certificate | None:
    """The certificate with this code (as typed), or None."""
    normal = normalise_code(code)
    if normal is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normal))
