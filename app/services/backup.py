"""Backups: the database and the upload folder in one archive, checked and put back.

An archive (`sop-academy-backup-YYYYMMDD-HHMMSS.tar.gz`, UTC) holds the database dump
(app.services.backup_db), every file of UPLOAD_DIR under `uploads/`, and `manifest.json`
last: format, app version, Alembic revision, database kind, created_at, the size and sha256
of every other member, the row count of every table, and the files the database refers to
that were missing from the folder.

Consistency: the database is snapshotted first, the folder listed afterwards. Uploaded files
are never changed once written (a new upload is a new name), so every file the snapshot
refers to is in the archive unless it was already missing (reported); a file uploaded after
the snapshot may be in the archive too, harmless: no row refers to it. Temporary files of an
upload still being written (`.upload-*.part`) are left out.

The archive is written to a hidden `.part` file beside its final name and renamed when
complete, readable by its owner only (it holds password hashes and everyone's records).
`verify_backup` reads it whole: every member against the manifest, nothing unlisted, the
dump readable. Restoring is app.services.backup_restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine

from app.services import backup_db
from app.services.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads/"
PREFIX = "sop-academy-backup-"
SUFFIX = ".tar.gz"
CHUNK = 1024 * 1024


def archive_name(now: datetime) -> str:
    return f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"


@dataclass
class BackupReport:
    path: Path
    manifest: dict

    def as_dict(self) -> dict:
        m = self.manifest
        return {"path": str(self.path), "size": self.path.stat().st_size,
                "database": m["database"]["kind"], "alembic_revision": m["alembic_revision"],
                "created_at": m["created_at"], "files": len(m["files"]),
                "bytes": sum(f["size"] for f in m["files"]), "missing": m["missing"]}


def create_backup(engine: Engine, upload_dir: Path, out_dir: Path, *, app_version: str,
                  now: datetime) -> BackupReport:
    """Write one archive into `out_dir`; raise DomainError (nothing left behind) on failure."""
    if _inside(out_dir, upload_dir):
        raise DomainError(_l("The backup folder must not be inside the upload folder."))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DomainError(_l("The backup folder cannot be used: %(error)s", error=error)) from None
    final = out_dir / archive_name(now)
    if final.exists():
        raise DomainError(_l("%(path)s already exists.", path=str(final)))
    partial = out_dir / f".{final.name}.part"
    try:
        with tempfile.TemporaryDirectory(prefix=".sop-backup-", dir=out_dir) as work:
            snap = backup_db.snapshot(engine, Path(work))
            handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (os.fdopen(handle, "wb") as raw,
                  tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar):
                database = _add_file(tar, snap.path, snap.path.name)
                files = [_add_file(tar, path, UPLOADS + rel)
                         for rel, path in upload_files(upload_dir)]
                manifest = _manifest(snap, database, files, app_version, now)
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2)
                           .encode("utf-8"), now)
        os.replace(partial, final)
    except OSError as error:
        raise DomainError(_l("The backup could not be written: %(error)s", error=error)) from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(final, manifest)


def _inside(folder: Path, other: Path) -> bool:
    folder, other = folder.resolve(), other.resolve()
    return folder == other or other in folder.parents


def _manifest(snap, database: dict, files: list[dict], app_version: str, now) -> dict:
    present = {f["path"][len(UPLOADS):] for f in files}
    return {"format": FORMAT, "app": "sop-academy", "app_version": app_version,
            "created_at": now.isoformat(), "alembic_revision": snap.revision,
            "database": {"kind": snap.kind, **database}, "row_counts": snap.row_counts,
            "files": files, "missing": [n for n in snap.referenced if n not in present]}


def upload_files(upload_dir: Path):
    """(relative POSIX path, path) of every file of the folder, sorted; no temporary files."""
    if not upload_dir.is_dir():
        return []
    found = []
    for root, dirs, names in os.walk(upload_dir):
        dirs.sort()
        for name in sorted(names):
            if name.startswith(".upload-") and name.endswith(".part"):
                continue
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(upload_dir).as_posix(), path))
    return found


class _Hashing(io.RawIOBase):
    def __init__(self, handle):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _Hashing(handle)
        tar.addfile(info, reader)
    return {"path": name, "size": reader.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, now: datetime) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
    tar.addfile(info, io.BytesIO(data))


@dataclass
class VerifyReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    manifest: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        m = self.manifest or {}
        return {"path": str(self.path), "ok": self.ok, "problems": self.problems,
                "created_at": m.get("created_at"), "alembic_revision": m.get("alembic_revision"),
                "database": (m.get("database") or {}).get("kind"),
                "files": len(m.get("files") or []), "missing": m.get("missing") or []}


def verify_backup(archive: Path, into: Path | None = None) -> VerifyReport:
    """Read the whole archive and check it; with `into`, its members are extracted there."""
    report = VerifyReport(archive)
    with tempfile.TemporaryDirectory(prefix="sop-verify-") as scratch:
        target = into or Path(scratch)
        try:
            seen, manifest_bytes = _read_members(archive, target, into is not None, report)
        except (OSError, EOFError, tarfile.TarError) as error:
            report.problems.append(str(_l("The archive cannot be read: %(error)s", error=error)))
            return report
        report.manifest = _load_manifest(manifest_bytes, report)
        if report.manifest is not None:
            try:
                _compare(report, seen)
            except (KeyError, TypeError):
                report.problems.append(str(_l("The archive has no readable SOP Academy "
                                              "manifest.")))
        if report.ok:
            database = report.manifest["database"]
            report.problems += backup_db.check_dump(database["kind"], target / database["path"],
                                                    report.manifest)
    return report


def _read_members(archive: Path, target: Path, extract_all: bool, report: VerifyReport):
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    with tarfile.open(archive, "r|gz") as tar:
        for member in tar:
            name = member.name
            if not member.isfile() or not _safe(name):
                report.problems.append(str(_l("Unexpected entry in the archive: %(name)s",
                                              name=name)))
                continue
            source = tar.extractfile(member)
            if name == MANIFEST:
                manifest_bytes = source.read()
                continue
            keep = extract_all or not name.startswith(UPLOADS)
            seen[name] = _copy(source, target / name if keep else None)
    return seen, manifest_bytes


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and (
        name == MANIFEST or name in backup_db.DUMP_NAMES.values()
        or (name.startswith(UPLOADS) and len(name) > len(UPLOADS)))


def _copy(source, destination: Path | None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    out = None
    if destination is not None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        out = open(destination, "wb")
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out:
                out.write(chunk)
    finally:
        if out:
            out.close()
    return size, digest.hexdigest()


def _load_manifest(data: bytes | None, report: VerifyReport) -> dict | None:
    try:
        manifest = json.loads(data) if data is not None else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("app") != "sop-academy":
        report.problems.append(str(_l("The archive has no readable SOP Academy manifest.")))
        return None
    if manifest.get("format") != FORMAT:
        report.problems.append(str(_l("The archive was made by another version of SOP Academy "
                                      "(backup format %(format)s).",
                                      format=manifest.get("format"))))
        return None
    return manifest


def _compare(report: VerifyReport, seen: dict[str, tuple[int, str]]) -> None:
    manifest = report.manifest
    listed = [manifest["database"], *manifest["files"]]
    for entry in listed:
        found = seen.get(entry["path"])
        if found is None:
            report.problems.append(str(_l("Missing from the archive: %(name)s",
                                          name=entry["path"])))
        elif found != (entry["size"], entry["sha256"]):
            report.problems.append(str(_l("Checksum mismatch (the file was changed or "
                                          "damaged): %(name)s", name=entry["path"])))
    for name in sorted(set(seen) - {entry["path"] for entry in listed}):
        report.problems.append(str(_l("Not listed in the manifest: %(name)s", name=name)))
