"""Import one period of figures from the Excel template (see template.py), all or nothing.

Every row is checked first; a row error names the row and the column. Any error → nothing
is written. Blank cells are skipped; a value overwrites the figure already stored for that
person, metric and period, and is stored confirmed (source "import", confirmed by the admin).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.results import Metric, MetricResult
from app.services.importers.report import ImportReport
from app.services.importers.sources import XLSX
from app.services.importers.tabular import Column, HeaderProblem, Row, Table, TableSpec, read_table
from app.services.results.entries import check_period
from app.services.results.metrics import list_metrics
from app.services.results.template import LOGIN as LOGIN_HEADER
from app.services.results.template import SHEET, metric_header
from app.services.results.values import ValueProblem, parse_value

MAX_ROWS = 5000
MAX_COLUMNS = 100
LOGIN = Column("login", (LOGIN_HEADER, "工号", "login"), required=True)
NAME = Column("name", ("姓名", "name"))  # for the reader's eyes only: not imported


def _report_error(report: ImportReport, row: int, column: str, problem) -> None:
    report.error(row, str(_l("Row %(row)d, column “%(column)s”: %(problem)s", row=row,
                             column=column, problem=str(problem))), column)


def import_period(actor: User, kind: str, start: date, filename: str, data: bytes, *,
                  dry_run: bool, now: datetime, today: date) -> ImportReport:
    """Check the whole file; when it is correct (and not a dry run) store its figures.

    Raises DomainError for a file that cannot be read at all or a future period.
    """
    start = check_period(start, kind, today)
    everything = list_metrics(include_archived=True)
    spec = TableSpec((LOGIN, NAME, *(Column(m.id, (metric_header(m), m.name))
                                     for m in everything)),
                     MAX_ROWS, file_types=(XLSX,), sheet=SHEET, formulas_as_text=True,
                     max_columns=MAX_COLUMNS)
    table = read_table(data, spec, filename=filename)
    report = ImportReport(dry_run=dry_run)
    columns = _check_header(report, table, {m.id: m for m in everything}, kind)
    if report.errors:
        return report
    plan = _check_rows(report, table.rows, columns)
    if report.errors:
        return report
    existing = _existing(start, plan)
    for key, value in plan.items():
        _count(report, existing.get(key), value)
    if not dry_run:
        for (metric_id, user_id), value in plan.items():
            _store(actor, metric_id, user_id, start, value, existing.get((metric_id, user_id)),
                   now)
        db.session.flush()
    return report


def _check_header(report: ImportReport, table: Table, metrics: dict[int, Metric],
                  kind: str) -> dict[int, Metric]:
    """{column index: metric} of the figure columns; header problems go to the report."""
    problems, columns = list(table.problems), {}
    for key, index in table.columns.items():
        metric = metrics.get(key)
        if metric is None:
            continue
        if metric.archived:
            problems.append(HeaderProblem(index, table.headers[index],
                                          _l("this metric is archived")))
        elif metric.period != kind:
            problems.append(HeaderProblem(index, table.headers[index], _l(
                "this metric is not of the period kind chosen for the import (weekly or "
                "monthly)")))
        else:
            columns[index] = metric
    for problem in sorted(problems, key=lambda problem: problem.index):
        _report_error(report, table.header_row, problem.name, problem.message)
    return columns


def _check_rows(report: ImportReport, body: list[Row], columns: dict[int, Metric]):
    """{(metric id, user id): value} of the data rows; row problems go to the report."""
    logins = {row.get("login") for row in body} - {None}
    users = dict(db.session.execute(select(User.login, User.id).where(
        User.login.in_(sorted(logins)))).all()) if logins else {}
    plan, seen = {}, {}
    for row in body:
        values = {i: row.cells[i] if i < len(row.cells) else None for i in columns}
        user_id = _row_user(report, row.number, row.get("login") or "", values, users, seen)
        if user_id is None:
            continue
        for index, raw in values.items():
            try:
                value = parse_value(raw)
            except ValueProblem as problem:
                _report_error(report, row.number, metric_header(columns[index]), problem)
                continue
            if value is not None:
                plan[(columns[index].id, user_id)] = value
    return plan


def _row_user(report: ImportReport, number: int, login: str, values: dict,
              users: dict[str, int], seen: dict[str, int]) -> int | None:
    """The id of the row's person; None (with an error when it matters) to skip the row."""
    if not login:
        if any((v or "").strip() for v in values.values()):
            _report_error(report, number, LOGIN_HEADER, _l("the employee number is empty"))
        return None
    report.rows += 1
    if login in seen:
        _report_error(report, number, LOGIN_HEADER, _l(
            "“%(login)s” already appears in row %(row)d", login=login[:40], row=seen[login]))
        return None
    seen[login] = number
    if login not in users:
        _report_error(report, number, LOGIN_HEADER, _l(
            "no account has the employee number “%(login)s”", login=login[:40]))
        return None
    return users[login]


def _existing(start: date, plan: dict) -> dict[tuple[int, int], MetricResult]:
    if not plan:
        return {}
    metric_ids = sorted({m for m, _u in plan})
    user_ids = sorted({u for _m, u in plan})
    return {(r.metric_id, r.user_id): r for r in db.session.scalars(select(MetricResult).where(
        MetricResult.period_start == start, MetricResult.metric_id.in_(metric_ids),
        MetricResult.user_id.in_(user_ids)))}


def _count(report: ImportReport, current: MetricResult | None, value: float) -> None:
    if current is None:
        report.created += 1
    elif current.value == value and current.status != "entered":
        report.unchanged += 1
    else:
        report.updated += 1


def _store(actor: User, metric_id: int, user_id: int, start: date, value: float,
           current: MetricResult | None, now: datetime) -> None:
    if current is None:
        db.session.add(MetricResult(
            metric_id=metric_id, user_id=user_id, period_start=start, value=value,
            status="confirmed", source="import", entered_by_id=actor.id,
            confirmed_by_id=actor.id, confirmed_at=now))
        return
    if current.value == value and current.status != "entered":
        return
    if current.source == "self" and current.entered_value is None and current.value != value:
        current.entered_value = current.value  # the employee's own figure stays visible
    current.value, current.status, current.source = value, "confirmed", "import"
    current.confirmed_by_id, current.confirmed_at = actor.id, now
