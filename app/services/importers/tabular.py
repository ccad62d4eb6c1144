"""Read the first sheet of an .xlsx or a .csv (UTF-8 with or without BOM, GBK, UTF-16) as rows."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

Cell = str | None


@dataclass(frozen=True)
class Table:
    """A header row and the data rows below it, each with its row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]


def read_table(filename: str, data: bytes, *, max_rows: int) -> Table:
    """Parse an uploaded table; raise DomainError with a sentence the user can act on."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise DomainError(_l("Unsupported file type '%(suffix)s': upload an .xlsx or .csv file "
                             "(save old .xls files as .xlsx first).", suffix=suffix or "?"))
    if not data or not data.strip():
        raise DomainError(_l("The file is empty."))
    raw_rows = _xlsx_rows(data) if suffix == ".xlsx" else _csv_rows(data)
    header_cells, body = None, []
    for number, cells in raw_rows:
        if header_cells is None:
            if any(c not in (None, "") for c in cells):
                header_cells = cells
            continue
        if any(c is not None and c.strip() for c in cells):
            body.append((number, cells))
            if len(body) > max_rows:
                raise DomainError(_l("The file has more than %(max)d data rows; split it into "
                                     "smaller files.", max=max_rows))
    if header_cells is None:
        raise DomainError(_l("The file is empty."))
    if not body:
        raise DomainError(_l("The file has a header row but no data rows."))
    return Table([(h or "").strip() for h in header_cells], body)


def _cell_text(value) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise DomainError(_l("This is not a valid Excel (.xlsx) file. Open it in Excel or WPS "
                             "and save it again as .xlsx, or upload a .csv.")) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise DomainError(_l("This is not a valid Excel (.xlsx) file. Open it in Excel or WPS "
                             "and save it again as .xlsx, or upload a .csv.")) from None
    finally:
        workbook.close()


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, or GBK/GB18030 as Chinese Excel writes it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_l("The file's text encoding is not recognised: save it as UTF-8 or GBK."))


def _csv_rows(data: bytes):
    if data[:4] == b"PK\x03\x04":
        raise DomainError(_l("This file is an Excel workbook named .csv: rename it to .xlsx."))
    text = decode_text(data)
    if "\x00" in text:
        raise DomainError(_l("This is not a text (.csv) file."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            yield number, [c if c != "" else None for c in cells]
    except csv.Error as exc:
        raise DomainError(_l("The CSV file cannot be read: %(reason)s", reason=str(exc))) from None
