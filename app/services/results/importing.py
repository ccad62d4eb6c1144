"""Import one period of figures from the Excel template (see template.py), all or nothing.

Every row is checked first; a row error names the row and the column. Any error → nothing
is written. Blank cells are skipped; a value overwrites the figure already stored for that
person, metric and period, and is stored confirmed (source "import", confirmed by the admin).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.results import Metric, MetricResult
from app.services.errors import DomainError
from app.services.results.entries import check_period
from app.services.results.metrics import list_metrics
from app.services.results.template import SHEET, metric_header
from app.services.results.values import ValueProblem, parse_value

MAX_ROWS = 5000
MAX_COLUMNS = 100
LOGIN_HEADERS = {"登录名", "工号", "login"}
NAME_HEADERS = {"姓名", "name"}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged,
                "errors": [{"row": e.row, "column": e.column, "message": e.message}
                           for e in self.errors]}

    def error(self, row: int, column: str, problem) -> None:
        self.errors.append(RowError(row, column, str(_l(
            "Row %(row)d, column “%(column)s”: %(problem)s", row=row, column=column,
            problem=str(problem)))))


def import_period(actor: User, kind: str, start: date, filename: str, data: bytes, *,
                  dry_run: bool, now: datetime, today: date) -> ImportReport:
    """Check the whole file; when it is correct (and not a dry run) store its figures.

    Raises DomainError for a file that cannot be read at all or a future period.
    """
    start = check_period(start, kind, today)
    rows = read_rows(filename, data)
    report = ImportReport(dry_run=dry_run)
    if not rows:
        return report
    (header_row, headers), body = rows[0], rows[1:]
    login_index, columns = _map_header(report, header_row, headers, kind)
    if report.errors:
        return report
    plan = _check_rows(report, body, login_index, columns)
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


def read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(row number, raw cell values) of the non-empty rows of the figures sheet.

    Formulas are read as their text ("=SUM(B2:B3)"), never their cached result, so they can
    be refused.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise DomainError(_l("This is an old Excel .xls file: open it in Excel or WPS and save "
                             "it as .xlsx."))
    if suffix != ".xlsx" or data[:4] != b"PK\x03\x04":
        raise DomainError(_l("Upload the Excel template as an .xlsx file (this file is not "
                             "one)."))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise DomainError(_l("This is not an Excel .xlsx file.")) from None
    try:
        return _sheet_rows(workbook)
    except DomainError:
        raise
    except Exception:  # a damaged sheet is only noticed while it is read
        raise DomainError(_l("This is not an Excel .xlsx file.")) from None
    finally:
        workbook.close()


def _sheet_rows(workbook) -> list[tuple[int, list]]:
    if not workbook.worksheets:
        raise DomainError(_l("The workbook has no sheet."))
    sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if any(_text(value) for value in values):
            rows.append((number, list(values)))
            if len(rows) > MAX_ROWS + 1:
                raise DomainError(_l("The file has more than %(max)d data rows; split it into "
                                     "smaller files.", max=MAX_ROWS))
    return rows


def _text(value) -> str:
    """A cell as text: 10005.0 → "10005"; None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _key(header: str) -> str:
    """A header as compared: full-width brackets and spaces as typed in Excel do not matter."""
    return "".join(unicodedata.normalize("NFKC", header).split()).lower()


def _map_header(report: ImportReport, row: int, headers: list, kind: str):
    """(index of 登录名, {column index: metric}); header problems go to the report."""
    everything = list_metrics(include_archived=True)
    metrics = {_key(m.name): m for m in everything}
    metrics.update({_key(metric_header(m)): m for m in everything})
    login_index, columns, seen = None, {}, set()
    for index, value in enumerate(headers):
        title = _text(value)
        if not title or title in NAME_HEADERS:
            continue
        if title in seen:
            report.error(row, title, _l("this column appears twice"))
        seen.add(title)
        if title in LOGIN_HEADERS:
            login_index = index
            continue
        metric = metrics.get(_key(title))
        if metric is None:
            report.error(row, title, _l("no metric has this name; download the template again"))
        elif metric.archived:
            report.error(row, title, _l("this metric is archived"))
        elif metric.period != kind:
            report.error(row, title, _l("this metric is not of the period kind chosen for the "
                                        "import (weekly or monthly)"))
        else:
            columns[index] = metric
    if login_index is None:
        report.error(row, "登录名", _l("the column is missing"))
    return login_index, columns


def _check_rows(report: ImportReport, body, login_index: int, columns: dict[int, Metric]):
    """{(metric id, user id): value} of the data rows; row problems go to the report."""
    logins = {_text(cells[login_index]) for _n, cells in body if login_index < len(cells)}
    users = dict(db.session.execute(select(User.login, User.id).where(
        User.login.in_(sorted(logins - {""})))).all()) if logins else {}
    plan, seen = {}, {}
    for number, cells in body:
        login = _text(cells[login_index]) if login_index < len(cells) else ""
        values = {i: cells[i] if i < len(cells) else None for i in columns}
        user_id = _row_user(report, number, login, values, users, seen)
        if user_id is None:
            continue
        for index, raw in values.items():
            try:
                value = parse_value(raw)
            except ValueProblem as problem:
                report.error(number, metric_header(columns[index]), problem)
                continue
            if value is not None:
                plan[(columns[index].id, user_id)] = value
    return plan


def _row_user(report: ImportReport, number: int, login: str, values: dict,
              users: dict[str, int], seen: dict[str, int]) -> int | None:
    """The id of the row's person; None (with an error when it matters) to skip the row."""
    if not login:
        if any(_text(v) for v in values.values()):
            report.error(number, "登录名", _l("the employee number is empty"))
        return None
    report.rows += 1
    if login in seen:
        report.error(number, "登录名", _l("“%(login)s” already appears in row %(row)d",
                                         login=login[:40], row=seen[login]))
        return None
    seen[login] = number
    if login not in users:
        report.error(number, "登录名", _l("no account has the employee number “%(login)s”",
                                         login=login[:40]))
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
