"""Shared test helpers: roster files built in memory (.xlsx with openpyxl, .csv in any encoding)
and counting what is in the database."""

from __future__ import annotations

import codecs
import csv
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.services.media import UploadSettings

TEST_HASH = "pbkdf2:sha256:1000"  # cheap, as the test settings' PASSWORD_HASH_METHOD


def upload_settings() -> UploadSettings:
    """The running test app's upload folder and limits, as the views pass them."""
    from flask import current_app

    return UploadSettings.from_config(current_app.config)


ROSTER_HEADER = ["工号", "姓名", "院区", "部门", "岗位", "角色", "手机", "邮箱", "负责部门", "状态",
                 "初始密码"]


def roster_row(login, name, department="", position="", roles="", phone="", leads="",
               status="", password="", hospital="", email="") -> list[str]:
    """One roster row in the template's column order."""
    return [login, name, hospital, department, position, roles, phone, email, leads, status,
            password]


# Three new people on the demo organisation: a leaf department given by path, a supervisor
# leading a department, a phone number, an initial password.
GOOD_ROWS = [
    roster_row("20001", "李娜", "客服中心/网络咨询组", "客服", "员工", "13812345678"),
    roster_row("20002", "张伟", "整形外科", "护士", "员工、主管", "139 1234 5678",
               leads="整形外科"),
    # 前台 exists in both demo hospitals, so this row names its hospital.
    roster_row("20003", "刘洋", "前台", "前台", "员工", hospital="星河医疗美容医院",
               password="Welcome2024"),
]


def xlsx_bytes(rows: list[list], header: list[str] | None = ROSTER_HEADER,
               merges: tuple[str, ...] = ()) -> bytes:
    """A workbook whose first sheet holds the header row and `rows`, with `merges` (such as
    "A3:A5") merged."""
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], header: list[str] | None = ROSTER_HEADER, *,
              encoding: str = "utf-8", bom: bool = False) -> bytes:
    """A CSV file in `encoding`, with a UTF-8 byte-order mark when `bom`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def count_users() -> int:
    """Users in the database, read fresh (not from the session's identity map)."""
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)))


def user_by_login(login: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.login == login))
