"""The downloadable roster templates (.xlsx with instructions, .csv with a BOM)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from app.services.importers.roster import COLUMNS
from app.services.org import department_labels, list_hospitals, list_positions

HEADERS = [column.names[0] for column in COLUMNS]
EXAMPLES = [
    ["10001", "示例员工", "", "客服中心", "客服", "员工", "", "", "", "在职", "", "2026-03-01"],
    ["10002", "示例主管", "", "整形外科", "护士", "员工、主管", "", "", "整形外科", "在职", "", ""],
]
NOTES = [
    ("工号", "必填。登录账号，字母、数字、点、下划线或连字符，最长 32 位。"
             "再次导入同一工号会更新该员工，不会重复创建。"),
    ("姓名", "必填。"),
    ("院区", "选填。部门名称在多个院区重复时必填。"),
    ("部门", "选填。填写部门名称，或用 / 写出完整路径，如：整形外科/病房护理组；"
             "也可照抄下方“现有部门”中带院区的写法。"),
    ("岗位", "选填。必须是系统中已有的岗位。"),
    ("角色", "选填，默认“员工”。可填多个，用顿号或逗号分隔：员工、主管、培训师、管理员。"),
    ("手机", "选填。11 位中国大陆手机号。"),
    ("邮箱", "选填。"),
    ("负责部门", "仅主管填写。多个部门用分号或顿号分隔。"),
    ("状态", "选填：在职 或 离职（离职即停用账号，历史记录保留）。"),
    ("初始密码", "选填，仅对新员工生效；留空则系统生成临时密码。首次登录须修改密码。"),
    ("入职日期", "选填。如 2026-03-01、2026/3/1、2026年3月1日 或 Excel 日期格式。"
                 "新员工留空即为导入当天。入职晚于任务截止日期（或离截止日期不足宽限天数）的员工，"
                 "截止日期顺延为入职日期加宽限天数。"),
]


def roster_template_xlsx() -> bytes:
    """A workbook with the header row, two example rows and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(HEADERS)
    for row in EXAMPLES:
        sheet.append(row)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for column in "ABCDEFGHIJKL":
        sheet.column_dimensions[column].width = 16
    sheet.column_dimensions["A"].number_format = "@"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for row in NOTES:
        notes.append(list(row))
    notes.append([])
    notes.append(["现有院区", "、".join(h.name for h in list_hospitals())])
    notes.append(["现有岗位", "、".join(p.name for p in list_positions())])
    notes.append(["现有部门", "\n".join(department_labels().values())])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_template_csv() -> bytes:
    """The same header and examples as CSV, UTF-8 with a BOM so Excel opens it in Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(EXAMPLES)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
