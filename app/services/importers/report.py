"""What every import returns: the counts and the errors, each at a row (or line) number.

Row 0 is the file as a whole. For tables the row is the spreadsheet's row number; for text
formats (GIFT, Aiken) it is the line, hence the `line` alias. Each importer's JSON contract
is built from these by its own `as_dict` (see README, "Command line").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowError:
    """A problem at row (or line) `row`: a message (str or lazy), and the column if known."""

    row: int
    message: Any
    column: str = ""

    @property
    def line(self) -> int:
        return self.row

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do). All or nothing: any error → nothing
    is written."""

    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, message: Any, column: str = "") -> None:
        self.errors.append(RowError(row, message, column))

    def errors_as_dicts(self, key: str = "row") -> list[dict[str, Any]]:
        """[{key: row, "message": text}]: `key` is "row" or "line" as the contract says."""
        return [{key: error.row, "message": str(error.message)} for error in self.errors]
