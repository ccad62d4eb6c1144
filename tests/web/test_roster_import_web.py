"""The admin page /admin/users/import: uploads, the report an administrator sees, and the
downloadable templates."""

from __future__ import annotations

import codecs
import html
import io
import re

import pytest
from openpyxl import load_workbook

from tests.helpers import (
    GOOD_ROWS,
    ROSTER_HEADER,
    count_users,
    csv_bytes,
    roster_row,
    user_by_login,
    xlsx_bytes,
)

PAGE = "/admin/users/import"
ERROR_ROW = re.compile(r'<tr data-row="\d+"><td class="num">(\d+)</td><td>(.*?)</td></tr>')


@pytest.fixture
def admin(client, auth, demo):
    auth.as_role("admin")
    return client


def upload(client, data: bytes, filename: str = "花名册.xlsx", dry_run: bool = False):
    form = {"file": (io.BytesIO(data), filename)}
    if dry_run:
        form["dry_run"] = "y"
    response = client.post(PAGE, data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    return response


def text_of(response) -> str:
    return html.unescape(response.text)


def error_rows(response) -> list[tuple[int, str]]:
    return [(int(row), html.unescape(message))
            for row, message in ERROR_ROW.findall(response.text)]


def test_the_page_offers_the_upload_and_both_templates(admin):
    page = admin.get(PAGE)
    assert page.status_code == 200
    assert "导入花名册" in page.text and 'type="file"' in page.text
    assert "下载 Excel 模板" in page.text and "下载 CSV 模板" in page.text
    assert f"{PAGE}/template.xlsx" in page.text and f"{PAGE}/template.csv" in page.text


def test_a_good_file_creates_people_and_shows_their_temporary_passwords(admin):
    before = count_users()
    page = upload(admin, xlsx_bytes(GOOD_ROWS))
    assert "导入完成：新建 3 个，更新 0 个，0 个无变化。" in page.text
    assert "临时密码" in page.text and "首次登录后都须修改密码" in page.text
    assert count_users() == before + 3
    assert "Welcome2024" in page.text  # the 初始密码 given in the file
    for login, name, *_ in GOOD_ROWS:
        assert login in page.text and name in page.text
        assert user_by_login(login).must_change_password


def test_a_new_person_signs_in_with_the_temporary_password_and_must_change_it(admin, auth):
    upload(admin, xlsx_bytes(GOOD_ROWS))
    auth.logout()
    response = auth.login("20003", "Welcome2024")
    assert response.status_code == 302
    assert admin.get("/learn/").location.endswith("/auth/password")


def test_importing_the_same_file_twice_never_duplicates(admin):
    data = xlsx_bytes(GOOD_ROWS)
    upload(admin, data)
    before = count_users()
    page = upload(admin, data)
    assert "导入完成：新建 0 个，更新 0 个，3 个无变化。" in page.text
    assert "临时密码" not in page.text
    assert count_users() == before


def test_bad_rows_are_listed_with_their_row_numbers_and_nothing_is_written(admin):
    before = count_users()
    rows = [GOOD_ROWS[0], roster_row("20004", "周敏", "皮肤科2"), GOOD_ROWS[1],
            roster_row("20005", "", phone="12345"), roster_row("20001", "李娜二")]
    page = upload(admin, xlsx_bytes(rows))
    assert "3 行有错误，未导入任何数据。" in page.text
    errors = error_rows(page)
    assert [row for row, _ in errors] == [3, 5, 5, 6]  # row 5: both of its problems at once
    assert "部门：部门 '皮肤科2' 不存在" in errors[0][1]
    assert "姓名：姓名不能为空" in errors[1][1]
    assert "手机：手机号 '12345' 格式不正确" in errors[2][1]
    assert "工号 '20001' 与第 2 行重复" in errors[3][1]
    assert count_users() == before and user_by_login("20001") is None


def test_wrong_columns_are_explained_and_nothing_is_written(admin):
    before = count_users()
    page = upload(admin, xlsx_bytes([row[1:] for row in GOOD_ROWS],
                                    header=ROSTER_HEADER[1:-1] + ["生日"]))
    text = text_of(page)
    assert 'data-testid="file-error"' in page.text
    assert "表头缺少“工号”列" in text and "无法识别的列“生日”" in text
    assert "未导入任何数据。" in text
    assert count_users() == before


@pytest.mark.parametrize(("filename", "data", "expected"), [
    ("花名册.xlsx", b"", "文件为空"),
    ("花名册.csv", csv_bytes([], bom=True), "只有表头，没有数据行"),
    ("花名册.xlsx", "工号,姓名\n20001,李娜\n".encode(), "不是有效的 Excel"),
    ("花名册.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "不支持的文件类型 '.xls'"),
    ("花名册.txt", "工号,姓名\n20001,李娜\n".encode(), "不支持的文件类型 '.txt'"),
], ids=["empty", "header-only", "text-named-xlsx", "xls", "txt"])
def test_an_unreadable_file_gets_a_clear_message_and_nothing_is_written(admin, filename, data,
                                                                       expected):
    before = count_users()
    page = upload(admin, data, filename)
    text = text_of(page)
    assert expected in text and "未导入任何数据。" in text
    assert 'data-testid="import-report"' not in page.text
    assert count_users() == before


def test_submitting_without_a_file_asks_for_one(admin):
    before = count_users()
    page = admin.post(PAGE, data={}, content_type="multipart/form-data")
    assert page.status_code == 200
    assert "请选择要上传的花名册文件。" in page.text
    assert count_users() == before


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False),
                                               ("gbk", False)],
                         ids=["utf-8-bom", "utf-8", "gbk"])
def test_csv_uploads_in_every_common_encoding_keep_chinese_names(admin, encoding, bom):
    page = upload(admin, csv_bytes(GOOD_ROWS, encoding=encoding, bom=bom), "花名册.csv")
    assert "新建 3 个" in page.text
    assert [user_by_login(login).name for login, *_ in GOOD_ROWS] == ["李娜", "张伟", "刘洋"]


def test_dry_run_writes_nothing_but_says_what_would_happen(admin):
    before = count_users()
    page = upload(admin, xlsx_bytes(GOOD_ROWS), dry_run=True)
    assert "文件检查无误，未写入任何数据。" in page.text
    assert "导入后将新建 3 个账号，更新 0 个账号。" in page.text
    assert "临时密码" not in page.text
    assert count_users() == before and user_by_login("20001") is None


def test_the_excel_template_has_the_header_row_and_imports_as_is(admin):
    response = admin.get(f"{PAGE}/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header == ["工号", "姓名", "院区", "部门", "岗位", "角色", "手机", "邮箱", "负责部门",
                      "状态", "初始密码", "入职日期"]
    assert sheet.max_row >= 3  # example rows
    notes = "\n".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row)
    assert "星河医疗美容医院 / 客服中心 / 网络咨询组" in notes  # this organisation, with 院区
    assert "星河医美滨江门诊部 / 前台" in notes

    before = count_users()
    page = upload(admin, response.data, "花名册模板.xlsx")
    assert "导入完成：新建 2 个" in page.text
    assert count_users() == before + 2


def test_the_csv_template_starts_with_a_utf8_bom_and_imports_as_is(admin):
    response = admin.get(f"{PAGE}/template.csv")
    assert response.status_code == 200
    assert response.data.startswith(codecs.BOM_UTF8)
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join([*ROSTER_HEADER, "入职日期"])
    page = upload(admin, response.data, "花名册模板.csv")
    assert "导入完成：新建 2 个" in page.text


def test_resigned_status_deactivates_but_the_last_administrator_is_kept(admin):
    page = upload(admin, xlsx_bytes([roster_row("10005", "赵晴", status="离职")]))
    assert "更新 1 个" in page.text and user_by_login("10005").active is False

    page = upload(admin, xlsx_bytes([roster_row("admin", "系统管理员", roles="管理员",
                                                status="离职")]))
    assert [row for row, _ in error_rows(page)] == [2]
    assert "至少须保留一名未停用的管理员" in error_rows(page)[0][1]
    assert user_by_login("admin").active


@pytest.mark.parametrize("role", ["employee", "supervisor", "trainer"])
def test_only_administrators_may_import(client, auth, demo, role):
    auth.as_role(role)
    before = count_users()
    response = client.post(PAGE, data={"file": (io.BytesIO(xlsx_bytes(GOOD_ROWS)), "a.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert client.get(f"{PAGE}/template.xlsx").status_code == 403
    assert count_users() == before
