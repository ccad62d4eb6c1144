"""Restoring a backup (app.services.backup): verified while extracted beside UPLOAD_DIR,
refused for a damaged archive, a backup of another database kind, one of a revision the code
does not know (made by a newer version of SOP Academy) or, unless forced, over a database or
upload folder holding data; then the database is replaced in one transaction
(app.services.backup_db.restore) and the upload folder swapped by renaming. No migration is
run: `upgrade_needed` says when `flask db upgrade` should follow."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine

from app.services import backup_db
from app.services.backup import UPLOADS, upload_files, verify_backup
from app.services.errors import DomainError


@dataclass
class RestoreReport:
    path: Path
    manifest: dict
    upgrade_needed: bool

    def as_dict(self) -> dict:
        m = self.manifest
        return {"path": str(self.path), "restored": True, "created_at": m["created_at"],
                "database": m["database"]["kind"], "alembic_revision": m["alembic_revision"],
                "files": len(m["files"]), "upgrade_needed": self.upgrade_needed,
                "missing": m["missing"]}


def restore_backup(archive: Path, engine: Engine, upload_dir: Path, *, force: bool,
                   revisions: set[str], heads: set[str]) -> RestoreReport:
    """Put the archive's database and files back; raise DomainError, with nothing changed,
    when the archive is damaged or the restore is refused. `revisions` are the migrations
    this code knows, `heads` the newest of them."""
    upload_dir = upload_dir.absolute()
    try:
        upload_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{upload_dir.name}-restore-",
                                        dir=upload_dir.parent))
    except OSError as error:
        raise DomainError(_l("The folder holding the upload folder cannot be written: "
                             "%(error)s", error=error)) from None
    try:
        report = verify_backup(archive, into=staging)
        if not report.ok:
            raise DomainError("\n".join(report.problems))
        manifest = report.manifest
        kind = manifest["database"]["kind"]
        revision = _check_target(manifest, engine, upload_dir, force, revisions)
        backup_db.restore(engine, kind, staging / manifest["database"]["path"])
        try:
            _swap(staging / UPLOADS.rstrip("/"), upload_dir)
        except OSError as error:
            raise DomainError(_l("The database was restored, but the upload folder could not "
                                 "be replaced: %(error)s", error=error)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreReport(archive, manifest, bool(revision) and set(revision.split(",")) != heads)


def _check_target(manifest: dict, engine: Engine, upload_dir: Path, force: bool,
                  revisions: set[str]) -> str | None:
    kind = manifest["database"]["kind"]
    if kind != backup_db.kind_of(engine):
        raise DomainError(_l("This backup is of a %(kind)s database; the app is configured for "
                             "%(current)s.", kind=kind, current=engine.dialect.name))
    revision = manifest.get("alembic_revision")
    unknown = [r for r in (revision or "").split(",") if r and r not in revisions]
    if unknown:
        raise DomainError(_l("This backup was made by a newer version of SOP Academy "
                             "(database revision %(revision)s): update the code first.",
                             revision=revision))
    if not force:
        tables = backup_db.tables_with_rows(engine)
        if tables:
            raise DomainError(_l("The database is not empty (%(count)d tables hold rows): "
                                 "add --force to replace its content with the backup's.",
                                 count=len(tables)))
        if upload_files(upload_dir):
            raise DomainError(_l("The upload folder %(path)s is not empty: add --force to "
                                 "replace it with the backup's.", path=str(upload_dir)))
    return revision


def _swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target` by renaming (both in the same parent folder)."""
    new.mkdir(exist_ok=True)
    old = target.with_name(f".{target.name}-before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
