"""Flask commands: seed-demo, demo, users import, content sync; questions import and export
(app/cli_questions.py), reminders send (app/cli_reminders.py), coach check and lint
(app/cli_coach.py), certificates issue (app/cli_certificates.py), backup create, verify and
restore (app/cli_backup.py) — see README for the contracts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.cli_analytics import analytics_cli
from app.cli_backup import backup_cli
from app.cli_certificates import certificates_cli
from app.cli_coach import coach_cli
from app.cli_directory import dingtalk_cli, wecom_cli
from app.cli_errors import explain_database_errors
from app.cli_locks import exclusive
from app.cli_privacy import privacy_cli
from app.cli_questions import questions_cli
from app.cli_reminders import reminders_cli
from app.cli_sign_ins import sign_ins_cli
from app.cli_worker import webhooks_cli, worker_command
from app.extensions import db
from app.services.demo import seed_demo
from app.services.errors import DomainError
from app.services.importers.roster import import_roster

users_cli = AppGroup("users", help="Manage user accounts.")
content_cli = AppGroup("content", help="The shipped curriculum in courses/ and sop/.")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _print_json(payload) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


@click.command("seed-demo")
@click.option("--json", "as_json", is_flag=True, help="Print the demo accounts as JSON.")
def seed_demo_command(as_json: bool) -> None:
    """Create or refresh the demo organisation and one account per role."""
    users = seed_demo(current_app.config["PASSWORD_HASH_METHOD"])
    db.session.commit()
    if as_json:
        _print_json({"users": [{k: u[k] for k in ("login", "password", "roles")}
                               for u in users]})
        return
    click.echo(_("Demo accounts (password for all: %(password)s):",
                 password=users[0]["password"]))
    for user in users[:4]:
        click.echo(f"  {user['login']:<12} {', '.join(user['roles'])}")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo_command(host: str, port: int) -> None:
    """Upgrade the database, load the demo data and serve the app (development only)."""
    from flask_migrate import upgrade

    upgrade()
    users = seed_demo(current_app.config["PASSWORD_HASH_METHOD"])
    db.session.commit()
    with exclusive("content-sync", as_json=False):
        _print_sync_report(_sync(PROJECT_ROOT, dry_run=False))
    from app.models.base import utcnow
    from app.services.assign.demo import seed_demo_assignments
    from app.services.practice.demo import seed_demo_practice

    seed_demo_assignments(utcnow())
    seed_demo_practice()
    db.session.commit()
    click.echo(_("Demo accounts (password for all: %(password)s):",
                 password=users[0]["password"]))
    for user in users[:4]:
        click.echo(f"  {user['login']:<12} {', '.join(user['roles'])}")
    click.echo(_("SOP Academy is running at http://%(host)s:%(port)d/ (Ctrl+C to stop)",
                 host=host, port=port))
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True)


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file without writing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def users_import_command(file: Path, dry_run: bool, as_json: bool) -> None:
    """Import a roster (.xlsx or .csv); any bad row → nothing is written. Another import
    running → nothing is written, exit status 75."""
    with exclusive("roster-import", as_json, enabled=not dry_run):
        report = _import_roster(file, dry_run, as_json)
    if as_json:
        _print_json(report.as_dict())
    else:
        _print_report(report)
    if report.errors:
        sys.exit(1)


def _import_roster(file: Path, dry_run: bool, as_json: bool):
    try:
        report = import_roster(file.name, file.read_bytes(), dry_run=dry_run,
                               max_rows=current_app.config["ROSTER_MAX_ROWS"],
                               hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    except DomainError as exc:
        db.session.rollback()
        if as_json:
            _print_json({"dry_run": dry_run, "rows": 0, "created": 0, "updated": 0,
                         "unchanged": 0, "errors": [{"row": 0, "message": str(exc)}],
                         "new_accounts": []})
        else:
            click.echo(str(exc), err=True)
        sys.exit(1)
    if report.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _print_report(report) -> None:
    for error in report.errors:
        click.echo(_("Row %(row)d: %(message)s", row=error.row, message=error.message),
                   err=True)
    if report.errors:
        click.echo(_("%(count)d rows have errors; nothing was imported.",
                     count=len(report.errors)), err=True)
        return
    if report.dry_run:
        click.echo(_("Check passed (nothing written): %(created)d to create, %(updated)d to "
                     "update.", created=report.created, updated=report.updated))
        return
    click.echo(_("Imported: %(created)d created, %(updated)d updated, %(unchanged)d "
                 "unchanged.", created=report.created, updated=report.updated,
                 unchanged=report.unchanged))
    for login, name, password in report.new_accounts:
        click.echo(f"  {login}\t{name}\t{password}")


@content_cli.command("sync")
@click.option("--dry-run", is_flag=True, help="Check the files without writing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder holding courses/ and sop/ (default: the project folder).")
def content_sync_command(dry_run: bool, as_json: bool, root: Path | None) -> None:
    """Load courses/ and sop/: identity by slug, a changed file → a new version. Another
    sync running → nothing is written, exit status 75."""
    with exclusive("content-sync", as_json, enabled=not dry_run):
        report = _sync(root or PROJECT_ROOT, dry_run)
    if as_json:
        _print_json(report.as_dict())
    else:
        _print_sync_report(report)
    if report.errors:
        sys.exit(1)


def _sync(root: Path, dry_run: bool):
    from app.services.content.sync import sync_content

    report = sync_content(root, root / "courses", root / "sop", dry_run=dry_run)
    if report.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _print_sync_report(report) -> None:
    for error in report.errors:
        click.echo(f"{error.file}:{error.line}: {error.message}", err=True)
    if report.errors:
        click.echo(_("%(count)d problems found; nothing was written.",
                     count=len(report.errors)), err=True)
        return
    c, s = report.courses, report.sop_modules
    click.echo(_("Courses: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
                 created=c.created, updated=c.updated, unchanged=c.unchanged))
    click.echo(_("SOP modules: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
                 created=s.created, updated=s.updated, unchanged=s.unchanged))
    q = report.quizzes
    click.echo(_("Quizzes: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
                 created=q.created, updated=q.updated, unchanged=q.unchanged))
    click.echo(_("Versions published: %(count)d.", count=report.versions_published))
    if report.positions_created:
        click.echo(_("Positions created: %(names)s", names="、".join(report.positions_created)))
    if report.dry_run:
        click.echo(_("Dry run: nothing was written."))


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(questions_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(coach_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(analytics_cli)
    app.cli.add_command(sign_ins_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(wecom_cli)
    app.cli.add_command(dingtalk_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(webhooks_cli)
    explain_database_errors(app.cli)
