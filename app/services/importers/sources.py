"""The bytes of an uploaded table → (row number, cell texts): the first sheet (or a named
one) of an .xlsx, or a .csv in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16.

Every message about a file that cannot be read is here, so every importer says the same
thing for the same mistake.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

Cell = str | None
RawRow = tuple[int, list[Cell]]
XLSX, CSV = ".xlsx", ".csv"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls (or any other OLE2 compound file)
ZIP_MAGIC = b"PK\x03\x04"


def file_type(filename: str, accepted: tuple[str, ...]) -> str:
    """The file's suffix (".xlsx", ".csv" …) when it is one of `accepted`; else DomainError."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in accepted:
        raise unsupported_type(suffix, accepted)
    return suffix


def unsupported_type(suffix: str, accepted: tuple[str, ...]) -> DomainError:
    return DomainError(_l("Unsupported file type '%(suffix)s': upload a file of type %(types)s "
                          "(save old .xls files as .xlsx first).",
                          suffix=suffix or "?", types=" / ".join(accepted)))


def check_not_empty(data: bytes) -> None:
    if not data or not data.strip():
        raise DomainError(_l("The file is empty."))


def cell_text(value: Any) -> Cell:
    """A cell's value as the text typed: 12.0 → "12", 0.5 → "0.5", TRUE, 2024-05-01."""
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


def not_xlsx() -> DomainError:
    return DomainError(_l("This is not a valid Excel (.xlsx) file: open it in Excel or WPS and "
                          "save it again as .xlsx."))


def xlsx_rows(data: bytes, *, sheet: str | None = None, formulas_as_text: bool = False,
              max_columns: int | None = None) -> Iterator[RawRow]:
    """The rows of the sheet `sheet` (else the first); formulas as "=…" text when asked,
    else their value as Excel last saved it."""
    if data[:4] == OLE_MAGIC:
        raise DomainError(_l("This is an old Excel .xls file: open it in Excel or WPS and save "
                             "it as .xlsx."))
    if data[:4] != ZIP_MAGIC:
        raise not_xlsx()
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True,
                                 data_only=not formulas_as_text)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise not_xlsx() from None
    try:
        if not workbook.worksheets:
            raise DomainError(_l("The file is empty."))
        chosen = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
        merged = merged_ranges(data, getattr(chosen, "_worksheet_path", ""))
        rows = chosen.iter_rows(max_col=max_columns, values_only=True)
        yield from fill_merged(((number, [cell_text(value) for value in values])
                                for number, values in enumerate(rows, start=1)), merged)
    except DomainError:
        raise
    except Exception:  # a damaged sheet is only noticed while it is read
        raise not_xlsx() from None
    finally:
        workbook.close()


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def merged_ranges(data: bytes, path: str) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of each merged range of the sheet
    stored at `path` in the .xlsx (read from its XML: read-only openpyxl does not give them)."""
    from openpyxl.utils import range_boundaries

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(path.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    return [range_boundaries(ref.decode()) for ref in _MERGE_CELL.findall(xml)]


def fill_merged(rows: Iterator[RawRow],
                merged: list[tuple[int, int, int, int]]) -> Iterator[RawRow]:
    """Rows with every cell of a merged range holding the range's value, as the sheet shows
    it (a 题型 merged over five rows belongs to each of them)."""
    values: dict[tuple[int, int], Cell] = {}
    for number, cells in rows:
        for first_col, first_row, last_col, last_row in merged:
            if number == first_row:
                values[first_row, first_col] = (cells[first_col - 1]
                                                if first_col <= len(cells) else None)
            elif first_row < number <= last_row:
                value = values.get((first_row, first_col))
                for col in range(first_col, min(last_col, len(cells)) + 1):
                    cells[col - 1] = value
                continue
            else:
                continue
            for col in range(first_col + 1, min(last_col, len(cells)) + 1):
                cells[col - 1] = values[first_row, first_col]
        yield number, cells


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


def csv_rows(data: bytes) -> Iterator[RawRow]:
    """The records of a comma- (or tab-) separated text file; "" cells as None."""
    if data[:4] == ZIP_MAGIC:
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
