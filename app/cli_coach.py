"""`flask coach check [FILE|-] [--json]`, `flask coach lint [--json]` and `flask coach eval`:
the script coach's term checker for trainers, before they publish (see docs/coach.md).

Exit status: 0 nothing found; 1 risky terms found (lint: or a curriculum file is broken);
2 the input or the term list could not be read. `flask coach eval FILE.json`: exit status 0
when the goal is met, 1 when not, 2 when the file cannot be read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.services.coach import TermsFileError, find_terms
from app.services.coach.evaluate import PARTS, EvalFileError, evaluate, read_labelled_set

coach_cli = AppGroup("coach", help="The script coach (话术陪练): check replies and content.")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
UNREADABLE = 2


def _terms_file() -> str | None:
    return current_app.config.get("COACH_TERMS_FILE") or None


def _read_input(source: str) -> str:
    """The text of FILE, or of standard input for '-'; exits with status 2 when unreadable."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        return raw.decode("utf-8-sig")
    except OSError as exc:
        message = _("Cannot read %(file)s: %(reason)s", file=source,
                    reason=exc.strerror or str(exc))
    except UnicodeDecodeError:
        message = _("Cannot read %(file)s: it is not UTF-8 text.", file=source)
    click.echo(message, err=True)
    sys.exit(UNREADABLE)


@coach_cli.command("check")
@click.argument("source", metavar="[FILE|-]", default="-")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--teaching", is_flag=True,
              help="The text is course material: quoted examples and lines marked ❌ are "
                   "not claims.")
def coach_check_command(source: str, as_json: bool, teaching: bool) -> None:
    """Find banned or risky claims in FILE (or standard input); exit status 1 when found."""
    text = _read_input(source)
    try:
        findings = find_terms(text, teaching=teaching, terms_file=_terms_file())
    except TermsFileError as exc:
        click.echo(_("The list of risky terms cannot be used: %(error)s", error=str(exc)),
                   err=True)
        sys.exit(UNREADABLE)
    if as_json:
        click.echo(json.dumps({"findings": [f.as_contract() for f in findings]},
                              ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(f"{f.start}-{f.end} {f.term}: {f.reason} → {f.suggestion}")
        click.echo(_("%(count)d risky terms found.", count=len(findings)) if findings
                   else _("No risky terms found."), err=bool(findings))
    if findings:
        sys.exit(1)


@coach_cli.command("lint")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder holding courses/ and sop/ (default: the project folder).")
def coach_lint_command(as_json: bool, root: Path | None) -> None:
    """Check every lesson and SOP script of the curriculum; exit status 1 on findings."""
    from app.services.coach.lint import lint_curriculum

    try:
        report = lint_curriculum(root or PROJECT_ROOT, terms_file=_terms_file())
    except TermsFileError as exc:
        click.echo(_("The list of risky terms cannot be used: %(error)s", error=str(exc)),
                   err=True)
        sys.exit(UNREADABLE)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_lint(report)
    if report.failed:
        sys.exit(1)


def _print_lint(report) -> None:
    for error in report.errors:
        click.echo(f"{error.file}:{error.line}: {error.message}", err=True)
    for item in report.findings:
        f = item.finding
        click.echo(f"{item.file}:{item.line}:{item.column}: {f.term}: {f.reason} → "
                   f"{f.suggestion}")
    for warning in report.warnings:
        click.echo(_("%(file)s:%(line)d: warning: %(message)s", file=warning.file,
                     line=warning.line, message=warning.message))
    click.echo(_("%(files)d files checked: %(findings)d risky terms, %(warnings)d warnings, "
                 "%(errors)d errors.", files=report.files, findings=len(report.findings),
                 warnings=len(report.warnings), errors=len(report.errors)),
               err=report.failed)


@coach_cli.command("eval")
@click.argument("source", metavar="FILE.json")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--part", type=click.Choice(PARTS), default="all", show_default=True,
              help="dev: the lines at even positions of each list; held-out: the odd ones.")
@click.option("--leave-one-out", "leave_one_out", is_flag=True,
              help="FILE is a folder of labelled sets: train the learned layer on all sets but "
                   "one and measure it on that one, for each set.")
def coach_eval_command(source: str, as_json: bool, part: str, leave_one_out: bool) -> None:
    """Measure the checker on a labelled set {"risky": [...], "safe": [...]}: recall, false
    alarms, and the lines it got wrong. Exit status 0 when the goal (recall ≥ 90 %, at most
    1 false alarm per 30 safe lines) is met, 1 when not, 2 when the file cannot be read."""
    if leave_one_out:
        from app.cli_coach_learned import run_leave_one_out
        sys.exit(run_leave_one_out(source, PROJECT_ROOT, as_json, _terms_file()))
    try:
        result = evaluate(read_labelled_set(source, part), terms_file=_terms_file())
    except (EvalFileError, TermsFileError) as exc:
        click.echo(_("Cannot evaluate: %(error)s", error=str(exc)), err=True)
        sys.exit(UNREADABLE)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_eval(result)
    if not result.goal_met:
        sys.exit(1)


def _print_eval(result) -> None:
    click.echo(_("Risky lines flagged: %(caught)d of %(total)d (recall %(recall).1f %%).",
                 caught=result.caught, total=result.risky, recall=100 * result.recall))
    click.echo(_("False alarms: %(count)d of %(total)d safe lines (%(rate).2f per 30).",
                 count=len(result.false_alarms), total=result.safe,
                 rate=result.alarms_per_30))
    for text in result.misses:
        click.echo(_("missed: %(text)s", text=text))
    for alarm in result.false_alarms:
        click.echo(_("false alarm: %(text)s [%(terms)s]", text=alarm["text"],
                     terms="、".join(alarm["terms"])))
    click.echo(_("Goal met.") if result.goal_met else _("Goal not met."))


from app.cli_coach_learned import build_model_command  # noqa: E402

coach_cli.add_command(build_model_command)
