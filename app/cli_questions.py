"""`flask questions import` and `flask questions export`: a question bank from and to GIFT, Aiken
and the Excel template (README for the contract)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.cli_locks import exclusive
from app.extensions import db
from app.services.errors import DomainError

questions_cli = AppGroup("questions", help="Question banks.")
PROGRESS_THRESHOLD = 200  # questions: more than this shows a progress bar on a terminal


@questions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", "bank_slug", required=True, help="The bank's slug (created when missing).")
@click.option("--format", "fmt", type=click.Choice(["gift", "aiken", "xlsx"]), default=None,
              help="The file's format (default: from its extension: .gift/.txt, .aiken, .xlsx).")
@click.option("--dry-run", is_flag=True, help="Check the file without writing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def questions_import_command(file: Path, bank_slug: str, fmt: str | None, dry_run: bool,
                             as_json: bool) -> None:
    """Import a GIFT, Aiken or Excel (.xlsx) file into a bank; any error → nothing is
    written. On a terminal a progress bar shows for large files."""
    from app.services.quiz.banks import import_questions

    progress = None if as_json or not _stdout_is_tty() else _progress_bar
    with exclusive(f"questions-import:{bank_slug}", as_json, enabled=not dry_run):
        report = import_questions(bank_slug, file.name, file.read_bytes(), fmt,
                                  dry_run=dry_run, progress=progress)
        if report.errors or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_questions_report(report, bank_slug)
    if report.errors:
        sys.exit(1)


def _stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def _progress_bar(questions):
    """Yield the questions back, with a progress bar when there are many."""
    if len(questions) <= PROGRESS_THRESHOLD:
        yield from questions
        return
    with click.progressbar(questions, label=_("Saving questions")) as bar:
        yield from bar


@questions_cli.command("export")
@click.option("--bank", "bank_slug", required=True, help="The bank's slug.")
@click.option("--format", "fmt", type=click.Choice(["gift", "xlsx"]), default=None,
              help="gift or xlsx (default: xlsx when FILE ends in .xlsx, else gift).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (default: standard output; required for xlsx).")
def questions_export_command(bank_slug: str, fmt: str | None, output: Path | None) -> None:
    """Export the current version of a bank's questions as GIFT or Excel (.xlsx)."""
    from app.services.quiz.banks import export_bank, find_bank

    fmt = fmt or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "gift")
    if fmt == "xlsx" and output is None:
        click.echo(_("An Excel export needs a file: add -o FILE.xlsx."), err=True)
        sys.exit(1)
    try:
        content = export_bank(find_bank(bank_slug).id, fmt)[0]
    except DomainError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if output is None:
        click.echo(content.decode("utf-8"), nl=False)
        return
    output.write_bytes(content)
    click.echo(_("Bank %(bank)s exported to %(path)s.", bank=bank_slug, path=str(output)))


def _print_questions_report(report, bank_slug: str) -> None:
    for error in report.errors:
        click.echo(_("Line %(line)d: %(message)s", line=error.line, message=error.message),
                   err=True)
    if report.errors:
        click.echo(_("%(count)d problems found; nothing was written.",
                     count=len(report.errors)), err=True)
        return
    if report.dry_run:
        click.echo(_("Check passed (nothing written): %(count)d questions to import.",
                     count=report.imported))
    else:
        click.echo(_("Imported %(count)d questions into bank %(bank)s.",
                     count=report.imported, bank=bank_slug))
    for name, count in report.as_dict()["by_type"].items():
        click.echo(f"  {name}\t{count}")
    if report.skipped:
        click.echo(_("Descriptions skipped: %(count)d.", count=report.skipped))
    if report.bank_created:
        click.echo(_("New bank created: %(bank)s.", bank=bank_slug))
