"""`flask users import FILE [--dry-run] [--json]`: exit codes, the JSON report, Chinese
messages on stderr, and nothing written when anything is wrong."""

from __future__ import annotations

import json

import pytest

from tests.helpers import (
    GOOD_ROWS,
    ROSTER_HEADER,
    count_users,
    csv_bytes,
    roster_row,
    user_by_login,
    xlsx_bytes,
)

REPORT_KEYS = {"dry_run", "rows", "created", "updated", "unchanged", "errors", "new_accounts"}


@pytest.fixture
def roster_file(tmp_path):
    def write(data: bytes, name: str = "花名册.xlsx") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def invoke_json(runner, path: str, *extra: str):
    result = runner.invoke(args=["users", "import", path, "--json", *extra])
    payload = json.loads(result.stdout)
    assert set(payload) == REPORT_KEYS
    return result, payload


def test_json_import_creates_people_and_reports_temporary_passwords(runner, demo, roster_file):
    before = count_users()
    result, payload = invoke_json(runner, roster_file(xlsx_bytes(GOOD_ROWS)))
    assert result.exit_code == 0
    assert payload == {**payload, "dry_run": False, "rows": 3, "created": 3, "updated": 0,
                       "unchanged": 0, "errors": []}
    accounts = {a["login"]: a for a in payload["new_accounts"]}
    assert set(accounts) == {"20001", "20002", "20003"}
    assert accounts["20002"]["name"] == "张伟"
    assert accounts["20003"]["password"] == "Welcome2024"
    assert all(len(a["password"]) >= 8 for a in accounts.values())
    assert count_users() == before + 3
    assert user_by_login("20001").must_change_password


def test_json_reimport_reports_unchanged_and_never_duplicates(runner, demo, roster_file):
    path = roster_file(xlsx_bytes(GOOD_ROWS))
    invoke_json(runner, path)
    before = count_users()
    result, payload = invoke_json(runner, path)
    assert result.exit_code == 0
    assert (payload["created"], payload["updated"], payload["unchanged"]) == (0, 0, 3)
    assert payload["new_accounts"] == []
    assert count_users() == before


def test_json_bad_rows_exit_1_with_every_row_and_nothing_written(runner, demo, roster_file):
    before = count_users()
    rows = [GOOD_ROWS[0], roster_row("20004", "周敏", "皮肤科2"),
            roster_row("20005", "吴敏", roles="老板"), roster_row("20001", "李娜二")]
    result, payload = invoke_json(runner, roster_file(xlsx_bytes(rows)))
    assert result.exit_code == 1
    assert [e["row"] for e in payload["errors"]] == [3, 4, 5]
    assert set(payload["errors"][0]) == {"row", "message"}
    assert "部门 '皮肤科2' 不存在" in payload["errors"][0]["message"]
    assert "角色 '老板' 不存在" in payload["errors"][1]["message"]
    assert "与第 2 行重复" in payload["errors"][2]["message"]
    assert payload["new_accounts"] == []
    assert count_users() == before and user_by_login("20001") is None


def test_json_unreadable_file_exit_1_with_a_row_0_message(runner, demo, roster_file):
    before = count_users()
    result, payload = invoke_json(runner, roster_file(b"not a workbook", "花名册.xlsx"))
    assert result.exit_code == 1
    assert payload["created"] == 0 and len(payload["errors"]) == 1
    assert payload["errors"][0]["row"] == 0
    assert "不是有效的 Excel" in payload["errors"][0]["message"]
    assert count_users() == before


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("花名册.xlsx", b"", "文件为空"),
    ("花名册.csv", csv_bytes([]), "只有表头，没有数据行"),
    ("花名册.xls", b"\xd0\xcf\x11\xe0", "不支持的文件类型 '.xls'"),
    ("花名册.csv", csv_bytes(GOOD_ROWS, header=ROSTER_HEADER[:-1] + ["生日"]),
     "无法识别的列“生日”"),
], ids=["empty", "header-only", "xls", "unknown-column"])
def test_plain_output_prints_file_problems_to_stderr_and_exits_1(runner, demo, roster_file,
                                                                 name, data, expected):
    before = count_users()
    result = runner.invoke(args=["users", "import", roster_file(data, name)])
    assert result.exit_code == 1
    assert expected in result.stderr and result.stdout == ""
    assert count_users() == before


def test_plain_output_lists_bad_rows_in_chinese(runner, demo, roster_file):
    before = count_users()
    rows = [GOOD_ROWS[0], roster_row("20004", "", "客服中心"), roster_row("20005", "吴敏",
                                                                       phone="12345")]
    result = runner.invoke(args=["users", "import", roster_file(xlsx_bytes(rows))])
    assert result.exit_code == 1
    assert "姓名不能为空" in result.stderr and "手机号 '12345' 格式不正确" in result.stderr
    assert "2 行有错误，未导入任何数据。" in result.stderr
    assert count_users() == before


def test_plain_output_reports_counts_and_passwords(runner, demo, roster_file):
    result = runner.invoke(args=["users", "import", roster_file(xlsx_bytes(GOOD_ROWS))])
    assert result.exit_code == 0
    assert "导入完成：新建 3 个，更新 0 个，0 个无变化。" in result.stdout
    assert "20003\t刘洋\tWelcome2024" in result.stdout


def test_dry_run_writes_nothing_and_exits_0(runner, demo, roster_file):
    before = count_users()
    path = roster_file(csv_bytes(GOOD_ROWS, encoding="gbk"), "花名册.csv")
    result, payload = invoke_json(runner, path, "--dry-run")
    assert result.exit_code == 0
    assert payload == {"dry_run": True, "rows": 3, "created": 3, "updated": 0, "unchanged": 0,
                       "errors": [], "new_accounts": []}
    assert count_users() == before and user_by_login("20001") is None

    plain = runner.invoke(args=["users", "import", path, "--dry-run"])
    assert plain.exit_code == 0
    assert "检查通过（未写入数据）：将新建 3 个，更新 0 个。" in plain.stdout
    assert count_users() == before


def test_dry_run_with_bad_rows_exits_1(runner, demo, roster_file):
    before = count_users()
    path = roster_file(xlsx_bytes([roster_row("20004", "周敏", status="休假")]))
    result, payload = invoke_json(runner, path, "--dry-run")
    assert result.exit_code == 1 and payload["dry_run"] is True
    assert payload["errors"][0]["row"] == 2
    assert "状态 '休假' 无效" in payload["errors"][0]["message"]
    assert count_users() == before


def test_resigning_the_last_administrator_is_refused(runner, demo, roster_file):
    rows = [GOOD_ROWS[0], roster_row("admin", "系统管理员", roles="管理员", status="离职")]
    before = count_users()
    result, payload = invoke_json(runner, roster_file(xlsx_bytes(rows)))
    assert result.exit_code == 1
    assert [e["row"] for e in payload["errors"]] == [3]
    assert "至少须保留一名未停用的管理员" in payload["errors"][0]["message"]
    assert user_by_login("admin").active and count_users() == before


def test_a_missing_file_is_a_usage_error(runner, demo, tmp_path):
    result = runner.invoke(args=["users", "import", str(tmp_path / "missing.xlsx"), "--json"])
    assert result.exit_code == 2
