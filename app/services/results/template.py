"""The Excel template of one period kind: 登录名, 姓名, then one column per active metric.

The rows list every active account (登录名 and 姓名 filled, figures blank), so an admin fills
in numbers only; the workbook imports cleanly as downloaded (blank cells are skipped). The
sheet texts are Chinese by design: the Chinese header row is the file's contract.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.results import Metric
from app.services.results.metrics import list_metrics

SHEET = "成果"
LOGIN, NAME = "登录名", "姓名"
KIND_NAMES = {"weekly": "每周", "monthly": "每月"}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTES = [
    "第一行是表头：登录名、姓名，然后每个指标一列（括号里是单位）。请勿改动列名；不需要的指标列可以删除。",
    "登录名必填，即员工的工号；姓名只是方便核对，导入时不读取。",
    "每格填一个不小于 0 的数字，最多两位小数。空格会被跳过，不会清除已有数据。",
    "不要填公式或以 = 开头的内容，请直接填写数值。",
    "导入时在页面上选择期间（某一周或某个月）；同一期间已有的数据会被表格中的数值覆盖，"
    "导入的数据视为已确认。",
    "任何一行有错误时整个文件都不会导入，并按行号和列名列出全部错误。",
]


def metric_header(metric: Metric) -> str:
    """The column title of a metric: "成交数（单）", or the bare name without a unit."""
    return f"{metric.name}（{metric.unit}）" if metric.unit else metric.name


def template_xlsx(kind: str) -> bytes:
    """The workbook for `kind` (weekly or monthly) with every active account listed."""
    metrics = list_metrics(period=kind)
    people = db.session.execute(select(User.login, User.name).where(User.active.is_(True))
                                .order_by(User.department_id, User.login)).all()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    headers = [LOGIN, NAME, *(metric_header(m) for m in metrics)]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for number, (login, name) in enumerate(people, start=2):
        for column, value in ((1, login), (2, name)):
            cell = sheet.cell(row=number, column=column, value=value)
            cell.data_type, cell.number_format = "s", "@"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 2)
    sheet.freeze_panes = "C2"
    _notes(workbook.create_sheet("填写说明"), kind, metrics)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _notes(sheet, kind: str, metrics: list[Metric]) -> None:
    sheet.append(["填写说明", f"{KIND_NAMES[kind]}指标"])
    for text in NOTES:
        sheet.append(["", text])
    sheet.append([])
    sheet.append(["指标", "说明"])
    for metric in metrics:
        better = "越高越好" if metric.higher_is_better else "越低越好"
        sheet.append([metric_header(metric), f"{better}。{metric.description}".strip()])
    for row in sheet.iter_rows():
        if row[0].value in ("填写说明", "指标"):
            for cell in row:
                cell.font = Font(bold=True)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
