"""Starting a practice run for a case (one open run per person, SOP module and case code: a
second 开始实操 lands on the first), and deleting a draft that was never handed in.
Services add and flush; the caller commits."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import PracticeRun, RunStep, SopModule, SopVersion, User
from app.models.base import utcnow
from app.models.practice import EvidencePhoto
from app.services.assign.access import assigned_access
from app.services.content.audience import find_sop_module
from app.services.errors import DomainError, NotFound
from app.services.items.kinds import SOP
from app.services.media import UploadSettings
from app.services.practice.runs import OPEN
from app.services.privacy import refuse_pii
from app.services.records import insert_or_none
from app.services.validation import clean_multiline, clean_text

log = logging.getLogger(__name__)

MAX_CASE_CODE = 40
MAX_CONTEXT = 500
FUTURE_SLACK = timedelta(days=1)
PAST_LIMIT = timedelta(days=366)


def startable_version(actor: User, module: SopModule, now: datetime) -> SopVersion | None:
    """The latest published version of `module` when the actor may read it (its audience,
    or assigned to them); None otherwise."""
    found = find_sop_module(actor, module.slug)
    if found is None:
        extra = assigned_access(actor, now)[SOP.key]
        found = find_sop_module(actor, module.slug, extra) if module.id in extra else None
    return found[1] if found else None


def _case_fields(case_code: str | None, context: str | None) -> tuple[str, str]:
    for field, value, label in (("case_code", case_code, _l("Case code")),
                                ("context", context, _l("Context"))):
        refuse_pii(value, field=field, label=label)
    code = clean_text((case_code or "").strip(), field="case_code", label=_l("Case code"),
                      max_length=MAX_CASE_CODE)
    text = clean_multiline(context, field="context", label=_l("Context"),
                           max_length=MAX_CONTEXT) or ""
    return code, text.strip()


def _case_time(case_at: datetime | None, now: datetime) -> datetime:
    if case_at is None:
        return now
    if case_at > now + FUTURE_SLACK:
        raise DomainError(_l("The case time is in the future."), "case_at")
    if case_at < now - PAST_LIMIT:
        raise DomainError(_l("The case time is more than a year ago."), "case_at")
    return case_at


def start_run(actor: User, module: SopModule, case_code: str | None, context: str | None,
              case_at: datetime | None, *, now: datetime | None = None) -> PracticeRun:
    """`start_or_resume` without saying which."""
    return start_or_resume(actor, module, case_code, context, case_at, now=now)[0]


def start_or_resume(actor: User, module: SopModule, case_code: str | None,
                    context: str | None, case_at: datetime | None, *,
                    now: datetime | None = None) -> tuple[PracticeRun, bool]:
    """(run, True): a new draft run of the module's latest version; (run, False): the
    actor's open run of the module for the same case code, which the database keeps unique
    (开始实操 twice, on two devices or servers, lands on one run). NotFound when the actor
    may not read the module, DomainError for a refused field."""
    now = now or utcnow()
    version = startable_version(actor, module, now)
    if version is None:
        raise NotFound(_l("This SOP module is not available to you."))
    code, text = _case_fields(case_code, context)
    when = _case_time(case_at, now)
    open_run = _open_run(actor, module, code)
    run_id = None if open_run else insert_or_none(PracticeRun, dict(
        user_id=actor.id, module_id=module.id, version_id=version.id, case_code=code,
        context=text, case_at=when, status="draft", round=1, created_at=now, updated_at=now))
    if run_id is None:
        return open_run or _open_run(actor, module, code) or _gone(), False
    run = db.session.get(PracticeRun, run_id)
    run.steps = [RunStep(step_key=step.key, rank=step.rank) for step in version.steps]
    db.session.flush()
    return run, True


def _open_run(actor: User, module: SopModule, code: str) -> PracticeRun | None:
    return db.session.scalar(select(PracticeRun).where(
        PracticeRun.user_id == actor.id, PracticeRun.module_id == module.id,
        PracticeRun.case_code == code, PracticeRun.status.in_(OPEN)))


def _gone() -> PracticeRun:
    """The open run that beat this start was handed in or deleted a moment later."""
    raise DomainError(_l("This case was just started in another window. Reload the page and "
                         "try again."), "case_code")


def discard_draft(actor: User, run: PracticeRun) -> list[str]:
    """Delete the actor's draft run that was never handed in (a run started by mistake, or
    twice), its steps and its photos; the stored names of the photo files to remove once
    committed. DomainError once it was handed in: history stays."""
    if run.user_id != actor.id:
        raise NotFound(_l("This practice run does not exist."))
    claimed = db.session.execute(
        update(PracticeRun).where(PracticeRun.id == run.id, PracticeRun.status == "draft",
                                  PracticeRun.round == 1)
        .values(updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DomainError(_l("Only a draft that was never handed in can be deleted."))
    names = list(db.session.scalars(select(EvidencePhoto.stored_name)
                                    .where(EvidencePhoto.run_id == run.id)))
    for table, column in ((RunStep, RunStep.run_id), (EvidencePhoto, EvidencePhoto.run_id),
                          (PracticeRun, PracticeRun.id)):
        db.session.execute(delete(table).where(column == run.id)
                           .execution_options(synchronize_session=False))
    db.session.expunge(run)
    return names


def remove_photo_files(names: list[str], uploads: UploadSettings) -> None:
    """After the commit of `discard_draft`: its photo files (a file that cannot be removed
    is logged and left; no row points at it any more)."""
    for name in names:
        try:
            (uploads.folder / "evidence" / name).unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove the photo file %s of a deleted draft: %s", name, error)
