"""`flask backup create [DIR] [--keep N] [--json]`, `backup verify FILE [--json]` and
`backup restore FILE [--force] [--json]`: the database and the upload folder in one archive
(app.services.backup). Exit status 0 on success, 1 when refused or failed; `create` verifies
the archive it wrote, `restore` verifies before changing anything and runs no migration
(`upgrade_needed` says when `flask db upgrade` should follow)."""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.models.base import utcnow
from app.services.backup import PREFIX, SUFFIX, create_backup, verify_backup
from app.services.backup_restore import restore_backup
from app.services.errors import DomainError

backup_cli = AppGroup("backup", help="Backups of the database and the uploaded files.")


def _print_json(payload) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def _fail(message: str, as_json: bool, **payload) -> None:
    if as_json:
        _print_json({**payload, "ok": False, "error": message})
    else:
        click.echo(message, err=True)
    sys.exit(1)


def _app_version() -> str:
    try:
        return metadata.version("sop-academy")
    except metadata.PackageNotFoundError:
        return "unknown"


@backup_cli.command("create")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Afterwards delete all but the newest N backups in the folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def backup_create_command(directory: Path | None, keep: int | None, as_json: bool) -> None:
    """Write the database and the upload folder into one verified archive in DIR
    (default: BACKUP_DIR)."""
    directory = directory or Path(current_app.config["BACKUP_DIR"])
    db.session.remove()
    try:
        report = create_backup(db.engine, Path(current_app.config["UPLOAD_DIR"]), directory,
                               app_version=_app_version(), now=utcnow())
    except DomainError as error:
        _fail(str(error), as_json)
    check = verify_backup(report.path)
    if not check.ok:
        _fail("\n".join(check.problems), as_json, path=str(report.path))
    deleted = _prune(directory, keep) if keep else []
    if as_json:
        _print_json({"ok": True, **report.as_dict(), "verified": True, "deleted": deleted})
        return
    summary = report.as_dict()
    click.echo(_("Backup written and verified: %(path)s (%(files)d files, %(size)d bytes).",
                 path=summary["path"], files=summary["files"], size=summary["size"]))
    _print_missing(summary["missing"])
    for path in deleted:
        click.echo(_("Old backup deleted: %(path)s", path=path))


def _prune(directory: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` archives of the folder (the names sort by time)."""
    archives = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.name)
    doomed = archives[:-keep]
    for path in doomed:
        path.unlink(missing_ok=True)
    return [str(path) for path in doomed]


def _print_missing(missing: list[str]) -> None:
    if missing:
        click.echo(_("%(count)d files the database refers to were already missing from the "
                     "upload folder:", count=len(missing)), err=True)
        for name in missing:
            click.echo(f"  {name}", err=True)


@backup_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def backup_verify_command(file: Path, as_json: bool) -> None:
    """Check an archive: checksums, manifest, the database dump readable."""
    report = verify_backup(file)
    if as_json:
        _print_json(report.as_dict())
    elif report.ok:
        summary = report.as_dict()
        click.echo(_("The backup is intact: %(database)s database of %(created)s, %(files)d "
                     "files.", database=summary["database"], created=summary["created_at"],
                     files=summary["files"]))
        _print_missing(summary["missing"])
    else:
        for problem in report.problems:
            click.echo(problem, err=True)
    if not report.ok:
        sys.exit(1)


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", "--yes", "force", is_flag=True,
              help="Replace a database or upload folder that holds data.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def backup_restore_command(file: Path, force: bool, as_json: bool) -> None:
    """Put an archive's database and uploaded files back (stop the app first)."""
    revisions, heads = _known_revisions()
    db.session.remove()
    try:
        report = restore_backup(file, db.engine, Path(current_app.config["UPLOAD_DIR"]),
                                force=force, revisions=revisions, heads=heads)
    except DomainError as error:
        _fail(str(error), as_json, path=str(file), restored=False)
    if as_json:
        _print_json({"ok": True, **report.as_dict()})
        return
    summary = report.as_dict()
    click.echo(_("Restored the backup of %(created)s: database and %(files)d files.",
                 created=summary["created_at"], files=summary["files"]))
    _print_missing(summary["missing"])
    if report.upgrade_needed:
        click.echo(_("The backup is of an older database revision: run "
                     "`flask --app wsgi db upgrade` before starting the app."))


def _known_revisions() -> tuple[set[str], set[str]]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {rev.revision for rev in script.walk_revisions()}, set(script.get_heads())
