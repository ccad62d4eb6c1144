"""`flask privacy scan [--json] [--mask] [--table NAME]`: clients' phone and ID-card numbers in
text stored before the guard (docs/privacy.md "Text stored before the guard")."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.services.privacy_fields import STORED_TEXT
from app.services.privacy_scan import Report, kind_label, scan

privacy_cli = AppGroup("privacy", help="Client privacy in stored text.")


def _print_text(report: Report, mask: bool) -> None:
    for finding in report.findings:
        where = finding.column + ("" if finding.path == "$" else finding.path[1:])
        click.echo(f"{finding.label} · {finding.table}.{where} · "
                   f"{kind_label(finding.kind)}: {finding.excerpt}")
    rows, tables = sum(report.scanned.values()), len(report.scanned)
    if mask:
        click.echo(_("Scanned %(rows)d rows in %(tables)d tables: masked %(n)d numbers.",
                     rows=rows, tables=tables, n=report.masked))
    elif report.findings:
        click.echo(_("Scanned %(rows)d rows in %(tables)d tables: %(n)d numbers found. "
                     "Run again with --mask to mask them.", rows=rows, tables=tables,
                     n=len(report.findings)))
    else:
        click.echo(_("Scanned %(rows)d rows in %(tables)d tables: no phone or ID-card "
                     "numbers found.", rows=rows, tables=tables))


@privacy_cli.command("scan")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--mask", is_flag=True,
              help="Mask every finding in place (138****5678), all in one transaction. "
                   "Append-only history (quiz answers, run submissions, reviews, versions) is "
                   "masked too: privacy wins over immutability; scores and decisions stay.")
@click.option("--table", "table", metavar="NAME", help="Scan only this table.")
def privacy_scan_command(as_json: bool, mask: bool, table: str | None) -> None:
    """Find clients' phone and ID-card numbers in stored free text (never printed in full).

    Exit status 1 when numbers remain (none remain after --mask), 0 when clean."""
    tables = sorted(entry.table for entry in STORED_TEXT)
    if table is not None and table not in tables:
        raise click.UsageError(_("Unknown table %(table)s. Tables scanned: %(tables)s",
                                 table=table, tables=", ".join(tables)))
    try:
        report = scan(table, mask=mask)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_text(report, mask)
    sys.exit(1 if report.findings and not mask else 0)
