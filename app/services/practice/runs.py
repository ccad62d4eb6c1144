"""An employee's practice runs (实操): start a run of a published SOP for a case, fill its
steps, hand it in for review.

- A run is pinned to the SOP version that was latest when it started; later versions never
  change it. Its steps are created from that version's steps.
- Steps may be done in any order (the page points at the first one not done). A tick is
  timestamped by the server; unticking clears it, ticking again stamps the new time.
- Only the run's owner edits it, and only while it is a draft or returned for rework; every
  free-text field passes the PII guard (services/privacy.py) and the evidence registry (evidence.py)
  before anything is written.
- Submitting needs every step ticked with its evidence; it freezes `snapshot_of(run)` into a
  RunSubmission for the run's round. Submitting twice hands in once.
Services add and flush; the caller commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.models import PracticeRun, RunStep, User
from app.models.base import utcnow
from app.models.practice import RunSubmission
from app.services.errors import DomainError, NotFound
from app.services.media import UploadSettings
from app.services.practice import photos
from app.services.practice.evidence import evidence_type
from app.services.practice.timing import step_timings
from app.services.privacy import refuse_pii
from app.services.validation import clean_multiline

log = logging.getLogger(__name__)

OPEN = ("draft", "returned")
MAX_NOTE = 2000
MAX_SCRIPT = 4000


def own_run(actor: User, run_id: int) -> PracticeRun:
    """The actor's own run; NotFound for anyone else's (whoever may review it)."""
    run = db.session.get(PracticeRun, run_id)
    if run is None or run.user_id != actor.id:
        raise NotFound(_l("This practice run does not exist."))
    return run


@dataclass
class StepInput:
    """What one step's form sent. `photo` is an upload (.stream, .filename) or None. A field
    left None was not sent and stays as it is (an autosave sends only what changed)."""

    done: bool | None = False
    evidence_text: str | None = ""
    evidence_number: str | None = ""
    evidence_link: str | None = ""
    note: str | None = ""
    script_draft: str | None = ""
    photo: object | None = None


def _claim_open(run: PracticeRun) -> None:
    """Lock the run while it is open (a conditional UPDATE, so a submit in another request
    and this save never interleave); DomainError once it was handed in."""
    claimed = db.session.execute(
        update(PracticeRun).where(PracticeRun.id == run.id, PracticeRun.status.in_(OPEN))
        .values(updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.refresh(run)
        raise DomainError(_l("This run has been handed in and can no longer be changed."))


def _clean_texts(data: StepInput) -> dict[str, str]:
    fields = {"note": (data.note, _l("Note"), MAX_NOTE),
              "script_draft": (data.script_draft, _l("Script draft"), MAX_SCRIPT)}
    clean = {}
    for field, (value, label, limit) in fields.items():
        if value is None:
            continue
        refuse_pii(value, field=field, label=label)
        clean[field] = (clean_multiline(value, field=field, label=label,
                                        max_length=limit) or "").rstrip()
    return clean


def _owned(actor: User, run: PracticeRun) -> None:
    if run.user_id != actor.id:
        raise NotFound(_l("This practice run does not exist."))


def save_step(actor: User, run: PracticeRun, step_key: str, data: StepInput, *,
              now: datetime | None = None, uploads: UploadSettings | None = None) -> RunStep:
    """Record one step as the form sent it: tick, evidence of the step's type, note, script
    draft, a new photo (stored with `uploads`, the upload folder and limits). All fields are
    checked before anything is written."""
    _owned(actor, run)
    step = db.session.scalar(select(RunStep).where(RunStep.run_id == run.id,
                                                   RunStep.step_key == step_key))
    version_step = _version_step(run, step_key)
    if step is None or version_step is None:
        raise NotFound(_l("This step does not exist."))
    _claim_open(run)
    _write_step(actor, run, step, version_step, data, now or utcnow(), uploads)
    db.session.flush()
    return step


def save_steps(actor: User, run: PracticeRun, entries: dict[str, StepInput], *,
               now: datetime | None = None, uploads: UploadSettings | None = None
               ) -> dict[str, DomainError]:
    """Record several steps at once (the whole page, or the fields an autosave sent): each
    step is saved whole or, when one of its fields is refused, not at all, and the others
    are saved anyway. Returns step key → the refusal; keys that are not steps of the run are
    ignored. DomainError when the run was handed in (nothing saved)."""
    _owned(actor, run)
    _claim_open(run)
    now = now or utcnow()
    errors: dict[str, DomainError] = {}
    for step, version_step in paired_steps(run):
        if step.step_key in entries:
            try:
                _write_step(actor, run, step, version_step, entries[step.step_key], now,
                            uploads)
            except DomainError as error:
                errors[step.step_key] = error
    db.session.flush()
    return errors


def _write_step(actor: User, run: PracticeRun, step: RunStep, version_step, data: StepInput,
                now: datetime, uploads: UploadSettings | None) -> None:
    """Check every field sent for the step, then write them (the photo last checked)."""
    kind = evidence_type(version_step.evidence_type)
    values = _clean_texts(data)
    if kind.column and kind.name != "photo" and getattr(data, kind.form_field) is not None:
        values[kind.column] = kind.normalise(getattr(data, kind.form_field))
    if kind.name == "photo" and data.photo is not None and getattr(data.photo, "filename", ""):
        if uploads is None:
            raise ValueError("save_step needs the upload settings to store a photo")
        values["photo_id"] = photos.save_evidence_photo(
            data.photo.stream, data.photo.filename, run, actor, uploads).id
    for column, value in values.items():
        setattr(step, column, value)
    if data.done is False:
        step.done_at = None
    elif data.done and step.done_at is None:
        step.done_at = now


def _version_step(run: PracticeRun, step_key: str):
    return next((step for step in run.version.steps if step.key == step_key), None)


def missing(run: PracticeRun) -> list[str]:
    """What keeps the run from being handed in, one sentence per step."""
    problems = []
    for index, (step, version_step) in enumerate(paired_steps(run), start=1):
        if step.done_at is None:
            problems.append(_l("Step %(number)d “%(title)s” is not ticked.", number=index,
                               title=version_step.title))
        elif not evidence_type(version_step.evidence_type).present(step):
            problems.append(_l("Step %(number)d “%(title)s” needs its evidence (%(kind)s).",
                               number=index, title=version_step.title,
                               kind=evidence_type(version_step.evidence_type).label))
    return problems


def paired_steps(run: PracticeRun) -> list[tuple]:
    """(RunStep, SopVersionStep) in position order."""
    by_key = {step.key: step for step in run.version.steps}
    return [(step, by_key[step.step_key]) for step in run.steps if step.step_key in by_key]


def submit_run(actor: User, run: PracticeRun, *, now: datetime | None = None
               ) -> RunSubmission:
    """Hand the run in for review (this round); doing it again hands in nothing new.
    DomainError listing what is missing when a step is not ticked with its evidence."""
    _owned(actor, run)
    if run.status not in OPEN:
        return _submission(run)
    problems = missing(run)
    if problems:
        raise DomainError(_l("Not ready to hand in: %(problems)s",
                             problems=" ".join(str(p) for p in problems)))
    now = now or utcnow()
    claimed = db.session.execute(
        update(PracticeRun).where(PracticeRun.id == run.id, PracticeRun.status.in_(OPEN))
        .values(status="submitted", submitted_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(run)
    if claimed != 1:
        return _submission(run)
    submission = RunSubmission(run_id=run.id, round=run.round, submitted_at=now,
                               snapshot=snapshot_of(run))
    db.session.add(submission)
    db.session.flush()
    return submission


def _submission(run: PracticeRun) -> RunSubmission | None:
    return db.session.scalar(select(RunSubmission).where(RunSubmission.run_id == run.id)
                             .order_by(RunSubmission.round.desc()).limit(1))


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def snapshot_of(run: PracticeRun) -> dict:
    """The run as handed in: {"steps": [{"key", "position", "title", "timing", "timing_from",
    "evidence_type", "evidence_label", "evidence_unit", "done_at" (ISO-8601 UTC or None),
    "on_time" (bool or None), "evidence_text", "evidence_number" (float or None),
    "evidence_link", "photo_id", "note", "script_draft"}], "case_code", "context"}.
    Snapshots handed in before timing_from existed lack it: their on_time counted from the
    previous step (timing.PREVIOUS_STEP)."""
    pairs = paired_steps(run)
    timings = step_timings([(vs.timing, vs.timing_from, step.done_at) for step, vs in pairs],
                           run.case_at)
    steps = [{
        "key": step.step_key, "position": step.rank, "title": vs.title,
        "timing": vs.timing, "timing_from": vs.timing_from, "evidence_type": vs.evidence_type,
        "evidence_label": vs.evidence_label, "evidence_unit": vs.evidence_unit,
        "done_at": _iso(step.done_at), "on_time": timing.on_time,
        "evidence_text": step.evidence_text,
        "evidence_number": None if step.evidence_number is None else float(
            step.evidence_number),
        "evidence_link": step.evidence_link, "photo_id": step.photo_id,
        "note": step.note, "script_draft": step.script_draft,
    } for (step, vs), timing in zip(pairs, timings, strict=True)]
    return {"steps": steps, "case_code": run.case_code, "context": run.context}
