"""Build .xlsx files for the Excel import tests, the way a trainer's spreadsheet looks."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from tests.helpers import xlsx_bytes


def build_xlsx(*rows: dict, columns: list[str] | None = None, title: str = "题目",
               before: list[str] = ()) -> bytes:
    """A workbook whose sheet `title` has a header row (`columns`, else every key of `rows`
    in first-seen order) and one row per dict; `before` adds empty sheets in front.

    Strings are stored as text cells, as Excel stores typed text ("=1+1" too, as if typed
    with a leading apostrophe)."""
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    workbook = Workbook()
    sheet = workbook.active
    for name in before:
        sheet.title = name
        sheet = workbook.create_sheet()
    sheet.title = title
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get("".join(column.split())) if row else None for column in columns])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(rows: list[list], merges: tuple[str, ...] = ()) -> bytes:
    """A sheet written row by row as a person would (title rows, blank rows, merged cells
    such as "A3:A5")."""
    return xlsx_bytes(rows, header=None, merges=merges)


def sheet_cells(data: bytes, sheet: str = "题目") -> list[list]:
    """Every row of a sheet as a list of openpyxl cells (to look at types and styles)."""
    workbook = load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook[sheet].iter_rows()]
