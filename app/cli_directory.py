"""`flask wecom sync` and `flask dingtalk sync` [--dry-run] [--json]: the directory sync
(app/services/directory_sync), all or nothing. Exit 0 when applied (or checked), 1 when
errors stopped it (nothing written), 2 when the provider is not configured, 75 when another
sync of the same provider is running."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.cli_locks import exclusive
from app.extensions import db
from app.services.directory_sync import SyncReport, sync_directory
from app.services.identity import registry


def run_sync(name: str, dry_run: bool) -> SyncReport:
    """Sync and commit (unless a dry run or errors: rolled back)."""
    report = sync_directory(registry.get(name), current_app.config, dry_run=dry_run)
    if report.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _command(name: str) -> click.Command:
    @click.command("sync")
    @click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    def sync_command(dry_run: bool, as_json: bool) -> None:
        """Departments and members from the directory → 院区, departments, people."""
        provider = registry.get(name)
        if not provider.configured(current_app.config):
            click.echo(_("%(provider)s is not configured (docs/wecom.md).",
                         provider=provider.label), err=True)
            sys.exit(2)
        with exclusive(f"directory-sync:{name}", as_json, enabled=not dry_run):
            report = run_sync(name, dry_run)
        if as_json:
            click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            _print(report)
        if report.errors:
            sys.exit(1)

    return sync_command


def _print(report: SyncReport) -> None:
    for error in report.errors:
        where = error.get("userid") or error.get("department_id") or ""
        click.echo(f"{where}: {error['message']}" if where else error["message"], err=True)
    if report.errors:
        click.echo(_("%(count)d problems found; nothing was written.",
                     count=len(report.errors)), err=True)
        return
    d, u = report.departments, report.users
    click.echo(_("Departments: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
                 **d))
    click.echo(_("People: %(created)d new, %(updated)d changed, %(deactivated)d deactivated, "
                 "%(unchanged)d unchanged.", **u))
    if report.unknown_positions:
        click.echo(_("Positions not known here (map them on the directory sync page): "
                     "%(names)s", names="、".join(sorted(report.unknown_positions))))
    if report.dry_run:
        click.echo(_("Dry run: nothing was written."))


wecom_cli = AppGroup("wecom", help="WeCom (企业微信): the directory sync.")
wecom_cli.add_command(_command("wecom"))
dingtalk_cli = AppGroup("dingtalk", help="DingTalk (钉钉): the directory sync.")
dingtalk_cli.add_command(_command("dingtalk"))
