"""ONE reader for every Excel/CSV import (roster, question bank, results).

An importer declares its columns (key, accepted header spellings, required) in a TableSpec;
`read_table` finds the header row (the first row naming the required columns, so title
rows above it are skipped; else the first non-empty row), matches the headers to the
columns, and returns the data rows with their row numbers as the spreadsheet shows them.
File-level problems (type, empty, header only, not an .xlsx, encoding, too many rows) raise
DomainError; header problems (unknown, repeated, missing columns) are collected on the
Table so an importer can report them with its own (row 0 or header row) convention.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.importers.sources import (
    CSV,
    XLSX,
    Cell,
    RawRow,
    check_not_empty,
    csv_rows,
    file_type,
    xlsx_rows,
)

BRACKETED_NOTE = re.compile(r"\(.*\)$")  # "工号（必填）" → "工号" (after NFKC: full-width → "(")


@dataclass(frozen=True)
class Column:
    """A column an importer reads: `names` are the accepted headers (the first is the
    template's, listed in messages)."""

    key: Hashable
    names: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    max_rows: int
    file_types: tuple[str, ...] = (XLSX, CSV)
    sheet: str | None = None  # the sheet to read when the workbook has it, else the first
    formulas_as_text: bool = False  # "=SUM(…)" as text (to refuse it), not its cached value
    max_columns: int | None = None


@dataclass(frozen=True)
class HeaderProblem:
    """An unknown, repeated or missing column: `index` orders it (missing ones come last)."""

    index: int
    name: str
    message: Any


@dataclass(frozen=True)
class Row:
    """One data row: `number` as the spreadsheet shows it, cells read by column key."""

    number: int
    cells: list[Cell]
    columns: dict[Hashable, int]

    def raw(self, key: Hashable) -> Cell:
        index = self.columns.get(key)
        return None if index is None or index >= len(self.cells) else self.cells[index]

    def get(self, key: Hashable) -> str | None:
        """The cell's text without surrounding spaces; None when empty or absent."""
        return (self.raw(key) or "").strip() or None

    def text(self, key: Hashable) -> str:
        """The cell's text as typed ("" when empty or absent)."""
        return self.raw(key) or ""


@dataclass(frozen=True)
class Table:
    header_row: int
    headers: list[str]
    columns: dict[Hashable, int]  # column key → index of its header
    rows: list[Row]
    problems: list[HeaderProblem] = field(default_factory=list)

    def check_header(self) -> None:
        """DomainError naming every header problem at once (for importers that report a
        bad header as the file as a whole)."""
        if self.problems:
            raise DomainError(" ".join(str(problem.message) for problem in self.problems))


def read_table(data: bytes, spec: TableSpec, *, filename: str = "",
               as_type: str | None = None) -> Table:
    """Parse an upload: its type comes from `filename` (or `as_type`, e.g. ".xlsx", when
    the user named the format); DomainError with a sentence the user can act on."""
    suffix = as_type or file_type(filename, spec.file_types)
    check_not_empty(data)
    if suffix == XLSX:
        raw = xlsx_rows(data, sheet=spec.sheet, formulas_as_text=spec.formulas_as_text,
                        max_columns=spec.max_columns)
    else:
        raw = csv_rows(data)
    header, body = _split(raw, spec.max_rows, spec.columns)
    number, cells = header
    headers = [(cell or "").strip() for cell in cells]
    columns, problems = match_header(headers, spec.columns)
    return Table(number, headers, columns,
                 [Row(n, row_cells, columns) for n, row_cells in body], problems)


HEADER_SEARCH = 10  # title rows above the header: at most this many non-empty rows


def _split(raw: Iterable[RawRow], max_rows: int,
           columns: tuple[Column, ...]) -> tuple[RawRow, list[RawRow]]:
    """(the header row, the non-empty rows below it)."""
    rows = []
    for number, cells in raw:
        if not any(cell is not None and cell.strip() for cell in cells):
            continue
        rows.append((number, cells))
        if len(rows) > max_rows + HEADER_SEARCH + 1:
            break
    if not rows:
        raise DomainError(_l("The file is empty."))
    start = header_index(rows[:HEADER_SEARCH], columns)
    body = rows[start + 1:]
    if len(body) > max_rows:
        raise DomainError(_l("The file has more than %(max)d data rows; split it into "
                             "smaller files.", max=max_rows))
    if not body:
        raise DomainError(_l("The file has a header row but no data rows."))
    return rows[start], body


def header_index(rows: list[RawRow], columns: tuple[Column, ...]) -> int:
    """Which of the first rows is the header: the first naming every required column, else
    the first naming any known column, else the first (a title row above is skipped)."""
    def known(cells: list[Cell]) -> set[Hashable]:
        found, _problems = match_header([(cell or "").strip() for cell in cells], columns)
        return set(found)

    required = {column.key for column in columns if column.required}
    matched = [known(cells) for _number, cells in rows]
    for wanted in (lambda keys: bool(keys) and required <= keys, bool):
        for index, keys in enumerate(matched):
            if wanted(keys):
                return index
    return 0


def header_key(text: str) -> str:
    """A header as compared: width, case, spaces, a BOM and a trailing "*" do not matter."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    return "".join(text.split()).casefold().rstrip("*")


def match_header(headers: list[str],
                 columns: tuple[Column, ...]) -> tuple[dict[Hashable, int], list[HeaderProblem]]:
    """{column key: index} and the problems: unknown, repeated and missing columns."""
    spellings = {header_key(name): column.key for column in columns for name in column.names}
    found: dict[Hashable, int] = {}
    problems = []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = header_key(header)
        key = spellings.get(key, spellings.get(BRACKETED_NOTE.sub("", key)))
        if key is None:
            problems.append(HeaderProblem(index, header, _l(
                "Unknown column “%(name)s” in the header row; the columns are: %(names)s.",
                name=header[:40], names="、".join(column.names[0] for column in columns))))
        elif key in found:
            problems.append(HeaderProblem(index, header, _l(
                "The column “%(name)s” appears twice in the header row.", name=header[:40])))
        else:
            found[key] = index
    for extra, column in enumerate(c for c in columns if c.required and c.key not in found):
        problems.append(HeaderProblem(len(headers) + extra, column.names[0], _l(
            "The header row has no “%(name)s” column (the first row must name the columns, "
            "as in the template).", name=column.names[0])))
    return found, problems
