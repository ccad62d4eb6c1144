"""Large table downloads as jobs (docs/exports.md): start (claimed once per person and
export), claim for running, progress, finish or fail, and the sweep of old files.

No request globals: the acting user, the time and the settings are arguments; nothing here
commits except `report_progress`, which writes on a connection of its own (the builder's
query is still being read on the session's) and commits that at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.export_jobs import DONE, FAILED, QUEUED, RUNNING, ExportJob
from app.models.org import User
from app.services.exports import export_chunks

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "start_job", "claim_job", "write_job_file",
           "finish_job", "fail_job", "sweep_jobs", "find_job", "count_rows"]


def _key(user_id: int, endpoint: str, view_args: dict, args: list, fmt: str) -> str:
    text = json.dumps([user_id, endpoint, view_args, args, fmt], sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def start_job(actor: User, endpoint: str, view_args: dict, args: list, fmt: str,
              locale: str, now: datetime) -> tuple[ExportJob, bool]:
    """The actor's queued or running job for this export, or a new one (then True).
    The unique `active_key` is the claim: two clicks at once make one job."""
    key = _key(actor.id, endpoint, view_args, args, fmt)
    existing = db.session.scalar(select(ExportJob).where(ExportJob.active_key == key))
    if existing is not None and not _stale(existing, now):
        return existing, False
    if existing is not None:  # its worker died with it: give up on it, start afresh
        fail_job(existing, "failed", now)
        db.session.flush()
    job = ExportJob(user_id=actor.id, endpoint=endpoint, view_args=view_args, args=args,
                    fmt=fmt, locale=locale, state=QUEUED, active_key=key, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:  # the other click won
        return db.session.scalar(select(ExportJob).where(ExportJob.active_key == key)), False
    return job, True


STALE = timedelta(hours=2)


def _stale(job: ExportJob, now: datetime) -> bool:
    """A job running for hours (or queued for a day) was lost with its worker."""
    since = job.started_at if job.state == RUNNING else job.created_at
    return since is not None and since < now - (STALE if job.state == RUNNING else 12 * STALE)


def find_job(actor: User, job_id: int) -> ExportJob | None:
    """The actor's own job; None for anyone else's (a 404, as if it did not exist)."""
    job = db.session.get(ExportJob, job_id)
    return job if job is not None and job.user_id == actor.id else None


def claim_job(job_id: int, now: datetime) -> bool:
    """queued → running, once (a second worker or a retried task finds nothing to do)."""
    result = db.session.execute(update(ExportJob).where(
        ExportJob.id == job_id, ExportJob.state == QUEUED).values(state=RUNNING, started_at=now))
    return result.rowcount == 1


def report_progress(job_id: int, done: int, total: int | None) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(ExportJob).where(ExportJob.id == job_id).values(
            rows_done=done, rows_total=total))


def count_rows(rows: Iterable) -> int:
    return len(rows) if hasattr(rows, "__len__") else sum(1 for _row in rows)


def _counted(rows: Iterable, job_id: int, total: int, every: int) -> Iterator:
    done = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, every)):
        yield from batch
        done += len(batch)
        report_progress(job_id, done, total)


def write_job_file(job: ExportJob, directory: str, stem: str, headers: Sequence[object],
                   rows: Iterable, total: int, zone: str, every: int = 500) -> Path:
    """Write the file (rows counted into the job every `every` rows); its path."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job.id}-{secrets.token_hex(8)}.{job.fmt}"
    partial = path.with_suffix(".part")
    report_progress(job.id, 0, total)
    with partial.open("wb") as out:
        for chunk in export_chunks(job.fmt, [str(h) for h in headers],
                                   _counted(rows, job.id, total, every), zone,
                                   sheet_title=stem):
            out.write(chunk)
    os.replace(partial, path)
    return path


def finish_job(job: ExportJob, path: Path, filename: str, rows: int, now: datetime) -> None:
    job.state, job.active_key, job.finished_at = DONE, None, now
    job.file_path, job.filename = str(path), filename[:200]
    job.rows_done = job.rows_total = rows


def fail_job(job: ExportJob, error: str, now: datetime) -> None:
    job.state, job.active_key, job.finished_at = FAILED, None, now
    job.error = error[:300]


def sweep_jobs(now: datetime, keep: timedelta,
               remove: Callable[[str], None] = lambda path: Path(path).unlink(
                   missing_ok=True)) -> int:
    """Delete the jobs (and their files) started more than `keep` ago; how many."""
    old = db.session.execute(select(ExportJob.id, ExportJob.file_path).where(
        ExportJob.created_at < now - keep)).all()
    for _id, path in old:
        if path:
            remove(path)
    if old:
        db.session.execute(delete(ExportJob).where(ExportJob.id.in_([row[0] for row in old])))
    return len(old)
