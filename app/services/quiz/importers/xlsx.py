"""Excel (.xlsx) question import: `parse_xlsx(data)` → ImportResult, all or nothing.

The sheet "题目" (else the first sheet) holds one question per row under a header row of
Chinese column names (xlsx_syntax.COLUMNS, any order, optional ones may be left out), read
by the shared table reader (app/services/importers/tabular.py).
Errors name the spreadsheet row (RowError.row) and the column; row 0 is the file as a
whole. The optional 附加数据 column holds JSON written by the exporter for what the other
columns cannot express (see docs/question-format.md).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import PurePath
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.importers.report import RowError
from app.services.importers.sources import CSV, OLE_MAGIC, XLSX, ZIP_MAGIC
from app.services.importers.tabular import Column, TableSpec, read_table
from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.importers.result import ImportResult, finish
from app.services.quiz.importers.xlsx_payloads import read_payload
from app.services.quiz.importers.xlsx_syntax import (
    ANSWER,
    CATEGORY,
    DIFFICULTY,
    EXPLANATION,
    EXTRA,
    HEADER_NAMES,
    KNOWN_COLUMNS,
    OPTION_COLUMNS,
    POINTS,
    REQUIRED_COLUMNS,
    RUBRIC,
    SCENARIO,
    STEM,
    TAGS,
    TITLE,
    TYPE_ALIASES,
    TYPE_COLUMN,
    TYPE_LABELS,
    VALUE,
    CellError,
    CellErrors,
    Cells,
    Problems,
)
from app.services.quiz.types import validate_question

MAX_ROWS = 5000
MAX_COLUMNS = 64
SHEET = "题目"
OPTIONS = "选项"  # the option columns as a whole (a matching pair)
TAG_SEPARATORS = re.compile(r"[\s,，;；、]+")
TEXT_COLUMNS = {"stem": STEM, "title": TITLE, "scenario": SCENARIO, "explanation": EXPLANATION,
                "category": CATEGORY}
FIELD_COLUMNS = {**TEXT_COLUMNS, "type": TYPE_COLUMN, "tags": TAGS, "difficulty": DIFFICULTY,
                 "points": POINTS, "text_format": EXTRA}
ITEM_FIELD = re.compile(r"payload\.(?:options|items)\[(\d+)\]")


IGNORED = ("序号", "题号", "编号", "备注")  # columns trainers add that hold no question data
DIFFICULTY_WORDS = {"很简单": 1, "非常简单": 1, "简单": 2, "容易": 2, "易": 2, "中等": 3,
                    "一般": 3, "中": 3, "较难": 4, "困难": 4, "难": 4, "很难": 5, "非常难": 5}
SPEC = TableSpec(tuple(Column(name, HEADER_NAMES[name], required=name in REQUIRED_COLUMNS)
                       for name in KNOWN_COLUMNS)
                 + tuple(Column(("ignored", name), (name,)) for name in IGNORED),
                 MAX_ROWS, file_types=(XLSX, CSV), sheet=SHEET, max_columns=MAX_COLUMNS)
TEXT_TABLES = (".csv", ".tsv", ".xls")


def parse_xlsx(data: bytes, filename: str = "") -> ImportResult:
    """Every question of the workbook's question sheet; empty rows are skipped silently,
    every problem of a row is reported (one error per cell at fault).

    The file is read as .xlsx whatever its name (the user chose the format), unless it is
    text named .csv, .tsv or .xls (a sheet saved as CSV, or a "table" some systems export)."""
    try:
        table = read_table(data, SPEC, as_type=table_type(data, filename))
    except DomainError as problem:
        return finish([], 0, [RowError(0, problem.message)])
    if table.problems:
        return finish([], 0, [RowError(table.header_row, problem.message)
                              for problem in table.problems])
    questions, errors = [], []
    for row in table.rows:
        cells = {name: row.text(name) for name in table.columns if name in KNOWN_COLUMNS}
        if not any(text.strip() for text in cells.values()):
            continue
        try:
            questions.append(read_row(cells))
        except CellError as error:
            found = error.errors if isinstance(error, CellErrors) else [error]
            found = sorted(found, key=lambda one: table.columns.get(one.column, MAX_COLUMNS))
            errors.extend(RowError(row.number, _l("Column %(column)s: %(problem)s",
                                                  column=one.column, problem=one.message),
                                   one.column) for one in found)
    return finish(questions, 0, errors)


def table_type(data: bytes, filename: str) -> str:
    """XLSX, or CSV for a text file named .csv/.tsv/.xls (not a zip nor an old .xls)."""
    suffix = PurePath(filename or "").suffix.lower()
    binary = data[:4] in (ZIP_MAGIC, OLE_MAGIC)
    return CSV if suffix in TEXT_TABLES and not binary else XLSX


def read_row(cells: Cells) -> QuestionData:
    """One row's question, validated by its type; CellErrors names every column at fault."""
    problems = Problems()
    data = _common(cells, problems)
    extra = problems.take(read_extra, cells) or {}
    if data["type"] is not None and "payload" not in extra:
        data["payload"] = problems.take(read_payload, data["type"], cells)
    problems.check()
    data.update(extra)
    try:
        question = QuestionData.from_dict(data)
        validate_question(question)
    except QuestionError as error:
        raise CellError(column_of(error.field or "", set(extra)), error.message) from None
    return question


def read_common(cells: Cells) -> dict[str, Any]:
    """Every QuestionData field but the payload, from its column (defaults when empty)."""
    problems = Problems()
    data = _common(cells, problems)
    problems.check()
    return data


def _common(cells: Cells, problems: Problems) -> dict[str, Any]:
    data: dict[str, Any] = {"type": problems.take(read_type, cells)}
    data.update({name: cells.get(column, "").strip() for name, column in TEXT_COLUMNS.items()})
    if not data["stem"]:
        problems.add(CellError(STEM, _l("The question text is missing.")))
    data["text_format"] = "markdown"
    data["tags"] = [tag for tag in TAG_SEPARATORS.split(cells.get(TAGS, "")) if tag]
    data["difficulty"] = problems.take(_whole_number, cells.get(DIFFICULTY, "").strip())
    data["points"] = problems.take(_points, cells.get(POINTS, "").strip())
    return data


def read_type(cells: Cells) -> str:
    """The question type named in 题型: a Chinese name (单选题, 单选 …) or an English one."""
    text = unicodedata.normalize("NFKC", cells.get(TYPE_COLUMN, "")).strip()
    kind = TYPE_ALIASES.get(text.casefold())
    if kind is None:
        if not text:
            raise CellError(TYPE_COLUMN, _l("The question type is missing."))
        raise CellError(TYPE_COLUMN, _l("Unknown question type “%(value)s”: use one of "
                                        "%(names)s.", value=text[:40],
                                        names="、".join(TYPE_LABELS.values())))
    return kind


def read_extra(cells: Cells) -> dict[str, Any]:
    """The 附加数据 JSON object (empty when the cell is)."""
    text = cells.get(EXTRA, "").strip()
    if not text:
        return {}
    try:
        extra = json.loads(text)
    except ValueError:
        raise CellError(EXTRA, _l("This cell must hold JSON as the export writes it; clear "
                                  "it if in doubt.")) from None
    if not isinstance(extra, dict) or "type" in extra:
        raise CellError(EXTRA, _l("This cell must hold JSON as the export writes it; clear "
                                  "it if in doubt."))
    return extra


def _whole_number(text: str) -> int:
    text = unicodedata.normalize("NFKC", text)
    if not text:
        return 3
    if text in DIFFICULTY_WORDS:
        return DIFFICULTY_WORDS[text]
    if not re.fullmatch(r"[+-]?\d{1,6}", text, re.ASCII) or not 1 <= int(text) <= 5:
        raise CellError(DIFFICULTY, _l("Difficulty must be a whole number from 1 to 5."))
    return int(text)


def _points(text: str) -> float:
    text = unicodedata.normalize("NFKC", text).removesuffix("分").strip()
    if not text:
        return 1.0
    if not VALUE.fullmatch(text) or float(text) <= 0:
        raise CellError(POINTS, _l("Points must be a number greater than 0."))
    return float(text)


def column_of(field: str, from_extra: set[str]) -> str:
    """The column a QuestionError's field (such as "payload.options[2].text") came from."""
    name = field.split(".")[0].split("[")[0]
    if name in from_extra:
        return EXTRA
    if name in FIELD_COLUMNS:
        return FIELD_COLUMNS[name]
    item = ITEM_FIELD.match(field)
    if item and int(item.group(1)) < len(OPTION_COLUMNS):
        return OPTION_COLUMNS[int(item.group(1))]
    if field.startswith("payload.rubric"):
        return RUBRIC
    if field.startswith(("payload.pairs", "payload.distractors")):
        return OPTIONS
    return ANSWER
