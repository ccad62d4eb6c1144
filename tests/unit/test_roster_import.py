"""Roster (花名册) import at the service level: what is created or refused, in Chinese, with
the row number (the header is row 1), and that a refused file writes nothing at all."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from app.extensions import db
from app.services import accounts
from app.services.errors import DomainError
from app.services.importers.roster import import_roster
from app.services.importers.roster_template import roster_template_xlsx
from tests.helpers import (
    GOOD_ROWS,
    ROSTER_HEADER,
    TEST_HASH,
    count_users,
    csv_bytes,
    roster_row,
    user_by_login,
    xlsx_bytes,
)


def run(data: bytes, filename: str = "花名册.xlsx", *, dry_run: bool = False):
    """Import as the web page and the command do: commit only a clean, real import."""
    report = import_roster(filename, data, dry_run=dry_run, max_rows=100,
                           hash_method=TEST_HASH)
    if report.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def refused(data: bytes, filename: str = "花名册.xlsx") -> str:
    """The file-level message for a file that cannot be imported at all."""
    with pytest.raises(DomainError) as caught:
        import_roster(filename, data, dry_run=False, max_rows=100, hash_method=TEST_HASH)
    db.session.rollback()
    return str(caught.value)


def test_good_xlsx_creates_users_with_department_position_roles_and_phone(demo):
    before = count_users()
    report = run(xlsx_bytes(GOOD_ROWS))
    assert (report.rows, report.created, report.updated, report.errors) == (3, 3, 0, [])
    assert count_users() == before + 3

    li = user_by_login("20001")
    assert li.name == "李娜" and li.phone == "13812345678"
    assert (li.department.name, li.department.parent.name) == ("网络咨询组", "客服中心")
    assert li.position.name == "客服" and li.roles == {"employee"} and li.active

    zhang = user_by_login("20002")
    assert zhang.roles == {"employee", "supervisor"}
    assert [d.name for d in zhang.led_departments] == ["整形外科"]
    assert zhang.phone == "13912345678"  # spaces removed
    assert zhang.department.name == "整形外科" and zhang.position.name == "护士"

    liu = user_by_login("20003")
    assert liu.department.name == "前台" and liu.department.hospital.name == "星河医疗美容医院"


def test_new_accounts_must_change_password_and_get_working_temporary_passwords(demo):
    report = run(xlsx_bytes(GOOD_ROWS))
    passwords = {login: password for login, _name, password in report.new_accounts}
    assert set(passwords) == {"20001", "20002", "20003"}
    assert passwords["20003"] == "Welcome2024"  # the 初始密码 column is honoured
    assert passwords["20001"] != passwords["20002"] and len(passwords["20001"]) >= 8
    for login, password in passwords.items():
        user = user_by_login(login)
        assert user.must_change_password, login
        assert check_password_hash(user.password_hash, password), login
        assert accounts.authenticate(login, password) is not None


def test_reimporting_the_same_file_updates_never_duplicates(demo):
    data = xlsx_bytes(GOOD_ROWS)
    run(data)
    before = count_users()
    again = run(data)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, [])
    assert again.new_accounts == []
    assert count_users() == before


def test_a_changed_name_is_one_update_and_keeps_the_password(demo):
    first = run(xlsx_bytes(GOOD_ROWS))
    password = first.new_accounts[0][2]
    rows = [list(row) for row in GOOD_ROWS]
    rows[0][1] = "李娜娜"
    before = count_users()
    report = run(xlsx_bytes(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert count_users() == before
    assert user_by_login("20001").name == "李娜娜"
    assert accounts.authenticate("20001", password) is not None


def test_unknown_department_is_reported_with_its_row_and_nothing_is_written(demo):
    before = count_users()
    rows = GOOD_ROWS + [roster_row("20004", "周敏", "皮肤科2", "客服")]
    report = run(xlsx_bytes(rows))
    assert [e.row for e in report.errors] == [5]
    assert "部门 '皮肤科2' 不存在" in report.errors[0].message
    assert count_users() == before and user_by_login("20001") is None


def test_duplicate_employee_number_in_the_file_names_the_earlier_row(demo):
    before = count_users()
    rows = GOOD_ROWS + [roster_row("20002", "张伟二", "整形外科")]
    report = run(xlsx_bytes(rows))
    assert [e.row for e in report.errors] == [5]
    assert "工号 '20002' 与第 3 行重复" in report.errors[0].message
    assert count_users() == before


@pytest.mark.parametrize(("row", "expected"), [
    (roster_row("20004", ""), "姓名不能为空"),
    (roster_row("20004", "周敏", phone="12345"), "手机号 '12345' 格式不正确"),
    (roster_row("20004", "周敏", roles="员工、老板"), "角色 '老板' 不存在"),
    (roster_row("20004", "周敏", position="保安"), "岗位 '保安' 不存在"),
    (roster_row("20004", "周敏", status="休假"), "状态 '休假' 无效"),
    (roster_row("20004", "周敏", leads="客服中心"), "只有主管才能负责部门"),
    (roster_row("20 04", "周敏"), "工号 '20 04' 只能包含"),
], ids=["missing-name", "bad-phone", "unknown-role", "unknown-position", "bad-status",
        "leads-without-supervisor", "bad-employee-number"])
def test_a_bad_row_is_reported_in_chinese_with_its_row_and_nothing_is_written(demo, row,
                                                                             expected):
    before = count_users()
    report = run(xlsx_bytes([GOOD_ROWS[0], row, GOOD_ROWS[1]]))
    assert [e.row for e in report.errors] == [3]
    assert expected in report.errors[0].message
    assert report.new_accounts == []
    assert count_users() == before


def test_several_bad_rows_are_all_listed_and_nothing_is_written(demo):
    before = count_users()
    rows = [
        GOOD_ROWS[0],
        roster_row("20005", "", "客服中心"),
        GOOD_ROWS[1],
        roster_row("20006", "吴敏", "皮肤科2"),
        roster_row("20007", "郑洁", phone="12345"),
        roster_row("20001", "李娜二"),
    ]
    report = run(xlsx_bytes(rows))
    assert [e.row for e in report.errors] == [3, 5, 6, 7]
    messages = [e.message for e in report.errors]
    assert "姓名不能为空" in messages[0]
    assert "部门 '皮肤科2' 不存在" in messages[1]
    assert "手机号 '12345'" in messages[2]
    assert "第 2 行" in messages[3]
    assert count_users() == before and user_by_login("20001") is None


def test_an_unknown_column_is_refused_naming_it(demo):
    before = count_users()
    message = refused(xlsx_bytes(GOOD_ROWS, header=ROSTER_HEADER[:-1] + ["生日"]))
    assert "无法识别的列“生日”" in message
    assert "工号、姓名、院区" in message  # the expected columns are listed
    assert count_users() == before


def test_a_missing_employee_number_column_is_refused_naming_it(demo):
    before = count_users()
    rows = [row[1:] for row in GOOD_ROWS]
    message = refused(xlsx_bytes(rows, header=ROSTER_HEADER[1:]))
    assert "表头缺少“工号”列" in message
    assert count_users() == before


@pytest.mark.parametrize("filename", ["花名册.xlsx", "花名册.csv"])
def test_an_empty_file_is_refused(demo, filename):
    before = count_users()
    assert "文件为空" in refused(b"", filename)
    assert "文件为空" in refused(b"  \r\n", filename)
    assert count_users() == before


@pytest.mark.parametrize(("filename", "data"), [
    ("花名册.xlsx", xlsx_bytes([])),
    ("花名册.csv", csv_bytes([], bom=True)),
])
def test_a_header_only_file_is_refused(demo, filename, data):
    before = count_users()
    assert "只有表头，没有数据行" in refused(data, filename)
    assert count_users() == before


def test_a_text_file_named_xlsx_is_refused_clearly(demo):
    before = count_users()
    message = refused(csv_bytes(GOOD_ROWS), "花名册.xlsx")
    assert "不是有效的 Excel" in message
    assert count_users() == before


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False),
                                               ("gbk", False)],
                         ids=["utf-8-bom", "utf-8", "gbk"])
def test_csv_in_every_common_encoding_imports_the_same_chinese_names(demo, encoding, bom):
    report = run(csv_bytes(GOOD_ROWS, encoding=encoding, bom=bom), "花名册.csv")
    assert (report.created, report.errors) == (3, [])
    names = {login: name for login, name, _password in report.new_accounts}
    assert names == {"20001": "李娜", "20002": "张伟", "20003": "刘洋"}
    assert user_by_login("20002").department.name == "整形外科"
    assert user_by_login("20002").led_departments[0].name == "整形外科"


@pytest.mark.parametrize("filename", ["花名册.xls", "花名册.txt", "花名册"])
def test_other_file_types_are_refused_with_a_message(demo, filename):
    before = count_users()
    message = refused(xlsx_bytes(GOOD_ROWS), filename)
    assert "不支持的文件类型" in message and ".xlsx / .csv" in message
    assert count_users() == before


def test_dry_run_writes_nothing_but_reports_what_would_happen(demo):
    before = count_users()
    report = import_roster("花名册.xlsx", xlsx_bytes(GOOD_ROWS), dry_run=True, max_rows=100,
                           hash_method=TEST_HASH)
    assert count_users() == before  # not even flushed: no rollback needed
    db.session.rollback()
    assert (report.dry_run, report.rows, report.created, report.updated) == (True, 3, 3, 0)
    assert report.errors == [] and report.new_accounts == []


def test_dry_run_of_an_imported_file_reports_no_change(demo):
    run(xlsx_bytes(GOOD_ROWS))
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][1] = "张伟伟"
    report = run(xlsx_bytes(rows), dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert user_by_login("20002").name == "张伟"


def test_dry_run_reports_bad_rows_too(demo):
    report = run(xlsx_bytes([roster_row("20004", "周敏", "皮肤科2")]), dry_run=True)
    assert [e.row for e in report.errors] == [2]
    assert "部门 '皮肤科2' 不存在" in report.errors[0].message


def test_the_xlsx_template_imports_on_the_demo_organisation(demo):
    before = count_users()
    report = run(roster_template_xlsx())
    assert (report.created, report.errors) == (2, [])
    assert count_users() == before + 2
    supervisor = user_by_login("10002")
    assert supervisor.roles == {"employee", "supervisor"}
    assert [d.name for d in supervisor.led_departments] == ["整形外科"]


def test_status_resigned_deactivates_and_the_person_can_no_longer_sign_in(demo):
    assert accounts.authenticate("10005", "demo1234") is not None
    version = user_by_login("10005").session_version
    report = run(xlsx_bytes([roster_row("10005", "赵晴", status="离职")]))
    assert (report.updated, report.errors) == (1, [])
    assert user_by_login("10005").active is False
    assert accounts.authenticate("10005", "demo1234") is None
    # their sessions ended (docs/security.md), and coming back does not revive them
    assert user_by_login("10005").session_version == version + 1
    back = run(xlsx_bytes([roster_row("10005", "赵晴", status="在职")]))
    assert back.updated == 1 and user_by_login("10005").active is True
    assert user_by_login("10005").session_version == version + 1


@pytest.mark.parametrize("row", [
    roster_row("admin", "系统管理员", roles="管理员", status="离职"),
    roster_row("admin", "系统管理员", roles="员工"),
], ids=["resigned", "role-removed"])
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_the_last_active_administrator_cannot_be_removed(demo, row, dry_run):
    before = count_users()
    report = run(xlsx_bytes([GOOD_ROWS[0], row]), dry_run=dry_run)
    assert [e.row for e in report.errors] == [3]
    assert "至少须保留一名未停用的管理员" in report.errors[0].message
    admin = user_by_login("admin")
    assert admin.active and "admin" in admin.roles
    assert count_users() == before


def test_two_administrators_cannot_both_be_removed_in_one_file(demo):
    run(xlsx_bytes([roster_row("20009", "备用管理员", roles="管理员")]))
    report = run(xlsx_bytes([roster_row("admin", "系统管理员", roles="管理员", status="离职"),
                             roster_row("20009", "备用管理员", roles="管理员", status="离职")]))
    assert [e.row for e in report.errors] == [3]
    assert "至少须保留一名未停用的管理员" in report.errors[0].message
    assert user_by_login("admin").active and user_by_login("20009").active


def test_another_administrator_may_be_deactivated(demo):
    run(xlsx_bytes([roster_row("20009", "备用管理员", roles="管理员")]))
    report = run(xlsx_bytes([roster_row("20009", "备用管理员", roles="管理员", status="离职")]))
    assert (report.updated, report.errors) == (1, [])
    assert user_by_login("20009").active is False


def test_every_problem_of_a_row_is_reported_at_once_naming_its_column(demo):
    """One upload shows all that is wrong with a row, not one problem per round."""
    before = count_users()
    bad = roster_row("20004", "", "皮肤科2", "保安", roles="员工、老板", phone="12345",
                     status="休假")
    report = run(xlsx_bytes([GOOD_ROWS[0], bad, GOOD_ROWS[1]]))
    assert [e.row for e in report.errors] == [3] * 6
    messages = [str(e.message) for e in report.errors]
    for column, problem in [("部门", "部门 '皮肤科2' 不存在"), ("岗位", "岗位 '保安' 不存在"),
                            ("角色", "角色 '老板' 不存在"), ("姓名", "姓名不能为空"),
                            ("手机", "手机号 '12345' 格式不正确"), ("状态", "状态 '休假' 无效")]:
        assert any(m.startswith(f"{column}：") and problem in m for m in messages), column
    assert sorted(e.column for e in report.errors) == sorted(
        ["部门", "岗位", "角色", "姓名", "手机", "状态"])
    assert count_users() == before and user_by_login("20001") is None


def test_three_problems_in_one_row_give_three_messages_and_the_json_keeps_its_shape(demo):
    bad = roster_row("20 04", "周敏", phone="12345", leads="客服中心")  # 工号, 手机, 负责部门
    report = run(xlsx_bytes([bad]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "工号"), (2, "负责部门"),
                                                          (2, "手机")]
    assert [set(d) for d in report.as_dict()["errors"]] == [{"row", "message"}] * 3


def test_a_row_with_only_an_unknown_role_does_not_also_blame_its_led_departments(demo):
    report = run(xlsx_bytes([roster_row("20004", "周敏", roles="主管、老板", leads="客服中心")]))
    assert [e.column for e in report.errors] == ["角色"]


@pytest.mark.parametrize("written", ["2026-03-01", "2026/3/1", "2026年3月1日", "２０２６年３月１日",
                                     "2026.3.1", "2026-03-01 00:00:00"])
def test_the_hire_date_is_read_as_people_write_it(demo, written):
    from tests.helpers import ROSTER_HEADER as HEADER

    report = run(xlsx_bytes([[*roster_row("20004", "周敏"), written]],
                            header=[*HEADER, "入职日期"]))
    assert report.errors == [] and report.created == 1
    assert str(user_by_login("20004").hire_date) == "2026-03-01"


def test_an_excel_date_cell_is_a_hire_date_and_a_blank_keeps_the_old_one(demo):
    import datetime

    from tests.helpers import ROSTER_HEADER as HEADER

    header = [*HEADER, "入职日期"]
    run(xlsx_bytes([[*roster_row("20004", "周敏"), datetime.datetime(2025, 7, 15)]],
                   header=header))
    assert user_by_login("20004").hire_date == datetime.date(2025, 7, 15)
    report = run(xlsx_bytes([[*roster_row("20004", "周敏"), None]], header=header))
    assert (report.unchanged, report.errors) == (1, [])
    assert user_by_login("20004").hire_date == datetime.date(2025, 7, 15)


def test_a_new_person_without_a_hire_date_joined_today(demo):
    from app.models.base import utcnow

    run(xlsx_bytes([roster_row("20004", "周敏")]))
    assert user_by_login("20004").hire_date == utcnow().date()


@pytest.mark.parametrize("written", ["2026-02-30", "明天", "2026-13-01", "1800-01-01"])
def test_a_hire_date_that_is_not_a_date_is_refused_at_its_column(demo, written):
    from tests.helpers import ROSTER_HEADER as HEADER

    report = run(xlsx_bytes([[*roster_row("20004", "周敏"), written]],
                            header=[*HEADER, "入职日期"]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "入职日期")]
    assert "不是有效日期" in str(report.errors[0].message)
    assert user_by_login("20004") is None


def test_a_department_written_as_the_pickers_show_it_names_its_hospital(demo):
    """The template's 现有部门 list reads 院区 / 部门; copying a line from it works."""
    report = run(xlsx_bytes([roster_row("20004", "周敏", "星河医美滨江门诊部 / 前台")]))
    assert report.errors == []
    user = user_by_login("20004")
    assert (user.department.name, user.department.hospital.name) == ("前台", "星河医美滨江门诊部")
