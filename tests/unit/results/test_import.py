"""Importing a period of figures from Excel: counts, every row error with its row and column,
nothing written when anything is wrong, the template as downloaded, files that are not .xlsx."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.services.errors import DomainError
from app.services.results.importing import import_period
from app.services.results.template import template_xlsx
from tests.results_helpers import count_results, figure, metric, person, result_of, results_xlsx

TODAY = date(2020, 11, 18)
WEEK = date(2020, 11, 16)  # long before the demo figures
NOW = datetime(2020, 11, 18, 8, tzinfo=UTC)
HEADER = ["登录名", "姓名", "新增企微好友（人）", "成交数（单）"]


def run(data: bytes, *, kind: str = "weekly", start: date = WEEK, dry_run: bool = False,
        filename: str = "成果.xlsx"):
    """Import as the web page does: commit only a clean, real import."""
    report = import_period(person("admin"), kind, start, filename, data, dry_run=dry_run,
                           now=NOW, today=TODAY)
    if report.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def refused(data: bytes, filename: str = "成果.xlsx", **kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        run(data, filename=filename, **kwargs)
    db.session.rollback()
    return str(caught.value)


def test_a_good_file_creates_updates_and_leaves_unchanged(app, demo):
    friends, deals = metric("新增企微好友"), metric("成交数")
    mine = figure(deals, "employee", WEEK, 2)                           # the employee's own
    figure(friends, "10005", WEEK, 30, status="confirmed")              # already the same
    before = count_results()
    report = run(results_xlsx(HEADER, [
        ["employee", "王小雨", 41, 3],
        [10005, "赵晴", "30", None],        # a number typed as text; a login Excel made numeric
        ["10009", "", "", "1.5"],
        ["10010", "冯医生", None, None],     # nothing to import: skipped
    ]))
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (2, 1, 1)
    assert count_results() == before + 2
    db.session.refresh(mine)
    assert (mine.value, mine.entered_value, mine.status, mine.source, mine.confirmed_by_id) == \
        (3.0, 2.0, "confirmed", "import", person("admin").id)
    new = result_of(deals, "10009", WEEK)
    assert (new.value, new.status, new.source) == (1.5, "confirmed", "import")
    assert result_of(friends, "10010", WEEK) is None


def test_three_bad_rows_are_all_reported_and_nothing_is_written(app, demo):
    metric("新增企微好友"), metric("成交数")
    before = count_results()
    report = run(results_xlsx(HEADER, [
        ["employee", "王小雨", 41, 3],              # row 2: good
        ["10005", "赵晴", "很多", 1],                # row 3: not a number
        ["10009", "郑可", 5, -2],                   # row 4: negative
        ["10010", "冯医生", 100000000, 1],           # row 5: too large
        ["10011", "何静", 12, 2],                   # row 6: good
    ]))
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "新增企微好友（人）"), (4, "成交数（单）"), (5, "新增企微好友（人）")]
    for error in report.errors:
        assert str(error.row) in error.message and error.column in error.message
    assert count_results() == before
    assert result_of(metric("成交数"), "employee", WEEK) is None


def test_unknown_and_repeated_logins(app, demo):
    metric("新增企微好友"), metric("成交数")
    before = count_results()
    report = run(results_xlsx(HEADER, [
        ["nobody", "谁", 1, 1],
        ["employee", "王小雨", 1, 1],
        ["employee", "王小雨", 2, 2],
        ["", "没有工号", 3, None],
    ]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "登录名"), (4, "登录名"),
                                                         (5, "登录名")]
    assert "nobody" in report.errors[0].message
    assert count_results() == before


def test_formulas_and_text_starting_with_equals_are_refused(app, demo):
    metric("新增企微好友"), metric("成交数")
    before = count_results()
    report = run(results_xlsx(HEADER, [["employee", "王小雨", None, "=3"],
                                       ["10005", "赵晴", 1, 2]],
                              formulas={(3, 3): "=1+2"}))
    assert [(e.row, e.column) for e in report.errors] == [(2, "成交数（单）"),
                                                         (3, "新增企微好友（人）")]
    assert count_results() == before


def test_header_problems(app, demo):
    metric("新增企微好友"), metric("满意度评分", "分", "monthly")
    report = run(results_xlsx(["姓名", "不存在的指标", "满意度评分（分）", "新增企微好友（人）",
                               "新增企微好友（人）"], [["王小雨", 1, 4.5, 1, 1]]))
    columns = [e.column for e in report.errors]
    assert columns == ["不存在的指标", "满意度评分（分）", "新增企微好友（人）", "登录名"]
    assert all(e.row == 1 for e in report.errors)


def test_headers_match_with_half_width_brackets_or_the_bare_name(app, demo):
    metric("新增企微好友"), metric("成交数")
    report = run(results_xlsx(["工号", "新增企微好友(人)", "成交数"], [["employee", 5, 1]]),
                 dry_run=True)
    assert report.errors == [] and report.created == 2


def test_dry_run_counts_and_writes_nothing(app, demo):
    metric("新增企微好友"), metric("成交数")
    before = count_results()
    report = run(results_xlsx(HEADER, [["employee", "王小雨", 41, 3]]), dry_run=True)
    assert (report.dry_run, report.created, report.errors) == (True, 2, [])
    assert count_results() == before


def test_the_downloaded_template_imports_cleanly(app, demo):
    data = template_xlsx("weekly")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["登录名", "姓名"] and "新增企微好友（人）" in header
    assert "满意度评分（分）" not in header
    assert "满意度评分（分）" in [c.value for c in load_workbook(io.BytesIO(
        template_xlsx("monthly"))).worksheets[0][1]]
    before = count_results()
    report = run(data)
    assert (report.errors, report.created, report.updated) == ([], 0, 0)
    assert count_results() == before
    logins = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "employee" in logins and "10012" in logins
    sheet.cell(row=logins.index("employee") + 2, column=header.index("成交数（单）") + 1,
               value=4)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    assert run(buffer.getvalue()).created == 1
    assert result_of(metric("成交数"), "employee", WEEK).value == 4.0


@pytest.mark.parametrize("data,filename", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls"),
    (b"login,name\nemployee,x\n", "成果.csv"),
    (b"login,name\nemployee,x\n", "成果.xlsx"),
    (b"PK\x03\x04 broken zip", "成果.xlsx"),
    (b"", "成果.xlsx"),
])
def test_files_that_are_not_xlsx(app, demo, data, filename):
    assert refused(data, filename)


def test_future_periods_are_refused(app, demo):
    metric("成交数")
    message = refused(results_xlsx(HEADER, []), start=date(2020, 11, 23))
    assert message


def test_an_archived_metric_column_is_refused(app, demo):
    from app.services.results.metrics import set_archived

    set_archived(metric("成交数"), True)
    db.session.commit()
    report = run(results_xlsx(["登录名", "成交数（单）"], [["employee", 1]]))
    assert [(e.row, e.column) for e in report.errors] == [(1, "成交数（单）")]
