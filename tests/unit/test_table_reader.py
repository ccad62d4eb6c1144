"""The one table reader behind every Excel/CSV import (roster, question bank, results): the
same mistake gets the same message from each importer, and the reader itself (encodings,
header row, row numbers, cell texts, limits)."""

from __future__ import annotations

import codecs
import io
from datetime import UTC, date, datetime

import pytest
from flask_babel import gettext
from openpyxl import Workbook

from app.extensions import db
from app.services.errors import DomainError
from app.services.importers.roster import import_roster
from app.services.importers.sources import unsupported_type
from app.services.importers.tabular import Column, TableSpec, read_table
from app.services.quiz.banks import EXTENSIONS, import_questions
from app.services.results.importing import import_period
from tests.helpers import ROSTER_HEADER, TEST_HASH, csv_bytes, xlsx_bytes
from tests.results_helpers import person

TODAY, WEEK = date(2020, 11, 18), date(2020, 11, 16)


def roster_message(filename: str, data: bytes) -> str:
    with pytest.raises(DomainError) as caught:
        import_roster(filename, data, dry_run=True, max_rows=100,
                      hash_method=TEST_HASH)
    return str(caught.value)


def questions_message(filename: str, data: bytes) -> str:
    report = import_questions("bank", filename, data, None, dry_run=True)
    ((error),) = report.as_dict()["errors"]
    return error["message"]


def results_message(filename: str, data: bytes) -> str:
    with pytest.raises(DomainError) as caught:
        import_period(person("admin"), "weekly", WEEK, filename, data, dry_run=True,
                      now=datetime(2020, 11, 18, tzinfo=UTC), today=TODAY)
    return str(caught.value)


IMPORTERS = {  # importer → (its message for a file, its header, the file types it takes)
    "roster": (roster_message, ROSTER_HEADER[:2], (".xlsx", ".csv")),
    "questions": (questions_message, ["题型", "题干"], tuple(EXTENSIONS)),
    "results": (results_message, ["登录名", "姓名"], (".xlsx",)),
}


@pytest.fixture(params=sorted(IMPORTERS))
def importer(request, demo):
    yield IMPORTERS[request.param]
    db.session.rollback()


def test_a_wrong_file_type_gets_the_same_message(importer):
    message, _header, types = importer
    assert message("名单.doc", b"some bytes") == str(unsupported_type(".doc", types))
    assert "不支持的文件类型 '.doc'" in message("名单.doc", b"some bytes")


@pytest.mark.parametrize("data", [b"", b" \r\n "], ids=["no-bytes", "blank"])
def test_an_empty_file_gets_the_same_message(importer, data):
    assert importer[0]("名单.xlsx", data) == gettext("The file is empty.") == "文件为空。"


def test_a_header_only_file_gets_the_same_message(importer):
    message, header, _types = importer
    assert message("名单.xlsx", xlsx_bytes([], header=header)) == \
        gettext("The file has a header row but no data rows.")


def test_a_text_file_named_xlsx_gets_the_same_message(importer):
    assert "不是有效的 Excel（.xlsx）文件" in importer[0]("名单.xlsx", "工号,姓名\n1,李\n".encode())


def test_an_old_xls_file_named_xlsx_gets_the_same_message(importer):
    assert "旧版 Excel .xls 文件" in importer[0]("名单.xlsx", b"\xd0\xcf\x11\xe0" + bytes(600))


def test_a_missing_required_column_is_named_the_same_way(demo):
    """Roster and results report a header problem as the file as a whole / the header row;
    the sentence is the same."""
    roster = roster_message("名单.xlsx", xlsx_bytes([["李娜"]], header=["姓名"]))
    assert roster == gettext("The header row has no “%(name)s” column (the first row must "
                             "name the columns, as in the template).", name="工号")
    report = import_questions("bank", "题库.xlsx", xlsx_bytes([["判断题"]], header=["题型"]),
                              None, dry_run=True)
    assert report.as_dict()["errors"] == [{"line": 1, "message": gettext(
        "The header row has no “%(name)s” column (the first row must name the columns, as in "
        "the template).", name="题干")}]


# --- the reader itself -------------------------------------------------------------------

SPEC = TableSpec((Column("login", ("工号", "login"), required=True),
                  Column("name", ("姓名", "name"))), max_rows=3)


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    lambda text: text.encode("gbk"),
    lambda text: text.encode("utf-16"),
], ids=["utf-8", "utf-8-bom", "gbk", "utf-16"])
def test_csv_in_every_common_encoding_reads_the_same_chinese_text(encode):
    table = read_table(encode("工号,姓名\n20001,李娜\n"), SPEC, filename="a.csv")
    assert [(row.number, row.get("login"), row.get("name")) for row in table.rows] == [
        (2, "20001", "李娜")]


def test_header_spellings_and_row_numbers_as_in_the_spreadsheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append([" 工 号（必填）", "ＮＡＭＥ*"])
    sheet.append(["20001", "李娜"])
    sheet.append([])
    sheet.append([20002.0, True])
    sheet.append([datetime(2024, 5, 1), date(2024, 5, 2)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), SPEC, filename="a.XLSX")
    assert table.header_row == 2 and table.columns == {"login": 0, "name": 1}
    assert [(row.number, row.get("login"), row.get("name")) for row in table.rows] == [
        (3, "20001", "李娜"), (5, "20002", "TRUE"), (6, "2024-05-01", "2024-05-02")]


def test_header_problems_are_collected_in_column_order_missing_last():
    table = read_table(csv_bytes([["a", "b", "c"]], header=["姓名", "生日", "name"]), SPEC,
                       filename="a.csv")
    assert [(p.index, p.name) for p in table.problems] == [(1, "生日"), (2, "name"),
                                                           (3, "工号")]
    with pytest.raises(DomainError, match="生日"):
        table.check_header()


def test_more_rows_than_allowed_are_refused():
    rows = [[str(n), "x"] for n in range(4)]
    with pytest.raises(DomainError) as caught:
        read_table(csv_bytes(rows, header=["工号", "姓名"]), SPEC, filename="a.csv")
    assert "3" in str(caught.value)


def test_formulas_are_read_as_text_only_when_asked():
    workbook = Workbook()
    workbook.active.append(["工号", "姓名"])
    workbook.active.append(["1", "=1+2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    spec = TableSpec(SPEC.columns, 3, formulas_as_text=True)
    (row,) = read_table(buffer.getvalue(), spec, filename="a.xlsx").rows
    assert row.get("name") == "=1+2"
    (row,) = read_table(buffer.getvalue(), SPEC, filename="a.xlsx").rows
    assert row.get("name") is None  # no cached value: openpyxl wrote the file
