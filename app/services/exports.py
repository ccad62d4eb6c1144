"""Streamed table exports: CSV (UTF-8 with BOM) and Excel .xlsx, in memory that does not grow
with the number of rows. Every report table that offers a download goes through here.

API (pure functions; no request globals — the view helper is `app.web.exporting`)::

    headers = [_("Name"), _("Score")]                 # translated labels, one per column
    rows = stream_rows(select(User.name, QuizAttempt.percent)...)   # or any iterable of tuples
    for chunk in export_chunks("csv", headers, rows, zone="Asia/Shanghai"):
        ...                                            # bytes, a few KiB to 64 KiB each

- ``FORMATS``: ``{"csv": mimetype, "xlsx": mimetype}``; ``export_chunks`` raises
  ``UnknownFormat`` (a ValueError) for anything else.
- ``csv_chunks(headers, rows, zone)``: UTF-8 with a BOM (so Chinese Excel opens it), CRLF
  lines, flushed every ``CSV_BATCH`` rows.
- ``xlsx_chunks(headers, rows, zone, sheet_title)``: an openpyxl *write-only* workbook (rows go
  to a temporary file as they come; strings are written inline, so there is no shared-string
  table growing in memory), saved to a temporary file and read back in 64 KiB chunks. Bold
  header row, frozen under the header, column widths from the header and the first row.
- ``stream_rows(stmt, batch=500)``: execute a SELECT with ``yield_per`` so the database driver
  hands rows over in batches (a server-side cursor on PostgreSQL) instead of all at once;
  ``stream_scalars`` likewise for ORM objects. Both close the cursor when dropped unread.

Cells may be ``str``, ``int``, ``float``, ``Decimal``, ``bool``, ``date``, ``datetime`` or
``None`` (anything else is written as ``str(value)``, e.g. lazy translations):

- datetimes are shown in ``zone`` (China time by default; naive values are taken as UTC, as
  every timestamp in the database is): CSV ``YYYY-MM-DD HH:MM``, Excel a real date-time cell
  formatted ``yyyy-mm-dd hh:mm``; dates likewise (``YYYY-MM-DD``);
- formula injection: text starting with ``= + - @``, a tab or a carriage return is never a
  formula. In CSV (which has no types) such a cell gets a leading apostrophe; in Excel it is
  stored as a text cell with Excel's quote prefix, like the question-bank export
  (``app.services.quiz.xlsx_template.write_cell``), so the text itself stays unchanged;
- ``None`` is an empty cell; ``bool`` is TRUE/FALSE (a real boolean in Excel); whole floats
  are written without ``.0`` in CSV; NaN and infinities are empty.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain, islice
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app.extensions import db

CHINA = "Asia/Shanghai"
CSV_MIMETYPE = "text/csv"  # the response adds "; charset=utf-8" (once)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE}
BOM = "\ufeff".encode()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 200
CHUNK = 64 * 1024
DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

Cell = str | int | float | Decimal | bool | date | datetime | None


class UnknownFormat(ValueError):
    """The export format is neither csv nor xlsx."""


def export_chunks(fmt: str, headers: Sequence[object], rows: Iterable[Sequence[Cell]],
                  zone: str = CHINA, sheet_title: str = "Sheet1") -> Iterator[bytes]:
    """The file of `fmt` ("csv" or "xlsx") as a stream of byte chunks."""
    if fmt == "csv":
        return csv_chunks(headers, rows, zone)
    if fmt == "xlsx":
        return xlsx_chunks(headers, rows, zone, sheet_title)
    raise UnknownFormat(fmt)


def stream_rows(stmt, params=None, batch: int = 500) -> Iterator:
    """The rows of a SELECT (with its parameters), fetched from the database `batch` at a
    time. The cursor is closed when the rows are dropped unread too (a large download's
    first rows, counted)."""
    result = db.session.execute(stmt, params, execution_options={"yield_per": batch})
    try:
        yield from result
    finally:
        result.close()


def stream_scalars(stmt, batch: int = 500) -> Iterator:
    """`stream_rows` of the first column (ORM objects), closed likewise."""
    result = db.session.scalars(stmt.execution_options(yield_per=batch))
    try:
        yield from result
    finally:
        result.close()


def local_time(value: datetime, zone: str) -> datetime:
    """A timestamp as naive wall-clock time in `zone` (naive input is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def neutralise(text: str) -> str:
    """Text that a spreadsheet cannot take for a formula (a leading apostrophe when needed)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# ---- CSV --------------------------------------------------------------------------------------

def csv_text(value: object, zone: str = CHINA) -> str:
    """One cell as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return local_time(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    if isinstance(value, int | Decimal):
        return str(value)
    return neutralise(str(value))


def csv_chunks(headers: Sequence[object], rows: Iterable[Sequence[Cell]],
               zone: str = CHINA) -> Iterator[bytes]:
    """CSV, UTF-8 with a BOM, in chunks of `CSV_BATCH` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_text(header, zone) for header in headers])
    yield BOM + buffer.getvalue().encode()
    iterator = iter(rows)
    while batch := list(islice(iterator, CSV_BATCH)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_text(value, zone) for value in row] for row in batch)
        yield buffer.getvalue().encode()


# ---- Excel ------------------------------------------------------------------------------------

def _text_width(value: object) -> int:
    text = value if isinstance(value, str) else str(value)
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _column_widths(headers: Sequence[object], first: Sequence[Cell] | None) -> list[float]:
    widths = []
    for index, header in enumerate(headers):
        value = first[index] if first is not None and index < len(first) else None
        sample = 16 if isinstance(value, datetime) else _text_width(value or "")
        widths.append(min(50, max(8, _text_width(header) + 2, sample + 2)))
    return widths


def _xlsx_cell(sheet, value: object, zone: str):
    """What to append for one value: the value itself, or a styled write-only cell."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=local_time(value, zone))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text.startswith(FORMULA_STARTS):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # stored as text, never evaluated
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _header_cells(sheet, headers: Sequence[object]) -> list:
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(header)))
        cell.data_type = "s"
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cells.append(cell)
    return cells


def write_xlsx(target, headers: Sequence[object], rows: Iterable[Sequence[Cell]],
               zone: str = CHINA, sheet_title: str = "Sheet1") -> None:
    """Write the workbook to `target` (a path or a binary file object)."""
    iterator = iter(rows)
    first = next(iterator, None)
    workbook = Workbook(write_only=True)
    title = re.sub(r"[\\*?:/\[\]\x00-\x1f]", "_", sheet_title)[:31].strip("'")
    sheet = workbook.create_sheet(title=title or "Sheet1")
    for index, width in enumerate(_column_widths(headers, first), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, headers))
    body = iterator if first is None else chain([first], iterator)
    for row in body:
        sheet.append([_xlsx_cell(sheet, value, zone) for value in row])
    workbook.save(target)


def xlsx_chunks(headers: Sequence[object], rows: Iterable[Sequence[Cell]], zone: str = CHINA,
                sheet_title: str = "Sheet1") -> Iterator[bytes]:
    """The .xlsx file, built in a temporary file, then read back in 64 KiB chunks."""
    with tempfile.TemporaryFile() as spool:
        write_xlsx(spool, headers, rows, zone, sheet_title)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk
