"""Roster (花名册) import: every row checked first; any bad row → nothing written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Hospital, Position, User
from app.permissions import ROLE_ALIASES, Role
from app.services import accounts
from app.services.errors import DomainError
from app.services.importers.report import ImportReport, RowError
from app.services.importers.tabular import Column, Row, TableSpec, read_table
from app.services.org import department_tree
from app.services.validation import check_password_strength
from app.services.webhooks import user_synced

# The roster's columns (the first spelling is the template's header).
COLUMNS = (
    Column("login", ("工号", "login", "employee number"), required=True),
    Column("name", ("姓名", "name"), required=True),
    Column("hospital", ("院区", "hospital")),
    Column("department", ("部门", "department")),
    Column("position", ("岗位", "position")),
    Column("roles", ("角色", "roles", "role")),
    Column("phone", ("手机", "手机号", "phone")),
    Column("email", ("邮箱", "email")),
    Column("leads", ("负责部门", "leads", "led departments")),
    Column("status", ("状态", "status")),
    Column("password", ("初始密码", "password", "initial password")),
    Column("hire_date", ("入职日期", "hire date", "hire_date")),
)
DEPENDS = {"leads": "roles"}  # a column whose check needs another column's value
HEADERS = {column.key: column.names[0] for column in COLUMNS}
# UserData field (as DomainError names it) → the roster column it comes from
FIELD_COLUMNS = {"login": "login", "name": "name", "email": "email", "phone": "phone",
                 "roles": "roles", "led_department_ids": "leads", "department_id": "department",
                 "position_id": "position", "hire_date": "hire_date", "password": "password"}
LIST_SPLIT = re.compile(r"[;；、\n]+")
ROLE_SPLIT = re.compile(r"[,，、;；/\s]+")
STATUS = {"在职": True, "active": True, "启用": True, "离职": False, "停用": False,
          "inactive": False}


@dataclass
class RosterReport(ImportReport):
    """The import report plus the new accounts' temporary passwords (login, name, pw)."""

    new_accounts: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "rows": self.rows, "created": self.created,
            "updated": self.updated, "unchanged": self.unchanged,
            "errors": self.errors_as_dicts("row"),
            "new_accounts": [{"login": a, "name": n, "password": p}
                             for a, n, p in self.new_accounts],
        }


class _Lookups:
    """Departments, positions and hospitals by the names people write in spreadsheets."""

    def __init__(self) -> None:
        self.hospitals = {h.name: h for h in db.session.scalars(select(Hospital))}
        self.positions = {p.name: p for p in db.session.scalars(select(Position))}
        self.paths: dict[str, list[tuple[int, int]]] = {}  # path or leaf → [(hospital, dept)]
        names = {h.id: h.name for h in self.hospitals.values()}
        for hospital_id, rows in department_tree().items():
            for row in rows:  # "院区 / path" (as the pickers show it) names one department too
                for key in {row.path, row.department.name, f"{names[hospital_id]} / {row.path}"}:
                    self.paths.setdefault(key, []).append((hospital_id, row.department.id))

    def department(self, text: str, hospital: Hospital | None) -> int:
        key = " / ".join(part.strip() for part in text.split("/") if part.strip())
        found = [d for h, d in self.paths.get(key, []) if hospital is None or h == hospital.id]
        if not found:
            raise DomainError(_l("department '%(name)s' does not exist", name=text))
        if len(set(found)) > 1:
            raise DomainError(_l("department '%(name)s' is ambiguous: give its hospital or its "
                                 "full path such as '整形外科/护理组'", name=text))
        return found[0]


class _RowCheck:
    """One row's problems, each at its column, collected rather than stopping at the first."""

    def __init__(self, row: Row) -> None:
        self.row, self.problems = row, []

    def add(self, column: str, problem: DomainError) -> None:
        self.problems.append((column, problem))

    def check(self, column: str, rule, *args, default=None):
        try:
            return rule(*args)
        except DomainError as problem:
            self.add(column, problem)
            return default

    def failed(self, column: str) -> bool:
        return any(found == column for found, _problem in self.problems)

    def errors(self) -> list[RowError]:
        return [RowError(self.row.number, _l("%(column)s: %(message)s", column=HEADERS[column],
                                             message=str(problem)) if column else str(problem),
                         HEADERS.get(column, "")) for column, problem in self.problems]


def _row_data(row: Row, lookups: _Lookups, existing: User | None, check: _RowCheck):
    """UserData for one row, keeping an existing user's values for absent columns."""
    get, mapping = row.get, row.columns
    hospital = None
    if get("hospital"):
        hospital = lookups.hospitals.get(get("hospital"))
        if hospital is None:
            check.add("hospital", DomainError(_l("hospital '%(name)s' does not exist",
                                                 name=get("hospital"))))
    data = accounts.UserData(login=get("login") or "", name=get("name") or "")
    if existing is not None:
        data.email, data.phone = existing.email, existing.phone
        data.department_id, data.position_id = existing.department_id, existing.position_id
        data.roles = set(existing.roles)
        data.led_department_ids = {d.id for d in existing.led_departments}
        data.hire_date = existing.hire_date
    if "department" in mapping and not check.failed("hospital"):
        data.department_id = check.check("department", lookups.department, get("department"),
                                         hospital) if get("department") else None
    if "position" in mapping:
        text = get("position")
        if text and text not in lookups.positions:
            check.add("position", DomainError(_l(
                "position '%(name)s' does not exist (known: %(known)s)",
                name=text, known="、".join(lookups.positions))))
        data.position_id = lookups.positions[text].id if text in lookups.positions else None
    if "roles" in mapping:
        data.roles = check.check("roles", _roles, get("roles"), default=data.roles)
    if "phone" in mapping:
        data.phone = get("phone")
    if "email" in mapping:
        data.email = get("email")
    if "leads" in mapping and not check.failed("hospital"):
        data.led_department_ids = {
            found for part in LIST_SPLIT.split(get("leads") or "") if part.strip()
            if (found := check.check("leads", lookups.department, part.strip(), hospital))}
    if get("hire_date"):
        data.hire_date = get("hire_date")
    return data


def _roles(text: str | None) -> set[str]:
    if not text:
        return {Role.EMPLOYEE.value}
    roles = set()
    for part in filter(None, ROLE_SPLIT.split(text)):
        role = ROLE_ALIASES.get(part.lower())
        if role is None:
            raise DomainError(_l("role '%(name)s' does not exist (use 员工、主管、培训师、管理员)",
                                 name=part))
        roles.add(role.value)
    return roles


def _status(text: str | None) -> bool | None:
    if text is None:
        return None
    if text.lower() not in STATUS:
        raise DomainError(_l("status '%(value)s' is not valid (use 在职 or 离职)", value=text))
    return STATUS[text.lower()]


def _snapshot(user: User) -> tuple:
    return (user.login, user.name, user.email, user.phone, user.department_id,
            user.position_id, user.active, frozenset(user.roles),
            frozenset(d.id for d in user.led_departments), user.hire_date)


def _planned(user: User, data: accounts.UserData, active: bool | None) -> tuple:
    """What _snapshot(user) will be once the row is applied (for a dry run's counts)."""
    return (data.login, data.name, data.email, data.phone, data.department_id,
            data.position_id, user.active if active is None else active,
            frozenset(data.roles), frozenset(data.led_department_ids), data.hire_date)


def import_roster(filename: str, data: bytes, *, dry_run: bool, max_rows: int,
                  hash_method: str) -> RosterReport:
    """Check every row; when all are good (and not a dry run) create or update the users.

    Identity is the employee number, so importing the same file twice updates, never
    duplicates. Raises DomainError for a file that cannot be read at all.
    """
    table = read_table(data, TableSpec(COLUMNS, max_rows), filename=filename)
    table.check_header()
    lookups = _Lookups()
    existing = {u.login: u for u in db.session.scalars(select(User))}
    report = RosterReport(dry_run=dry_run, rows=len(table.rows))
    plan, seen = [], {}
    for row in table.rows:
        check = _RowCheck(row)
        planned = _check_row(row, lookups, existing, seen, check)
        report.errors.extend(check.errors())
        if not check.problems:
            plan.append(planned)
    if report.errors or dry_run:
        for _number, user, data, active, _password in plan:
            if user is None:
                report.created += 1
            elif _planned(user, data, active) != _snapshot(user):
                report.updated += 1
            else:
                report.unchanged += 1
        return report
    for number, user, data, active, password in plan:
        try:
            _apply_row(report, user, data, active, password, hash_method)
        except DomainError as exc:
            report.errors.append(RowError(number, str(exc)))
    return report


def _check_row(row: Row, lookups, existing, seen, check: _RowCheck):
    """Check every cell of `row`, collecting each problem in `check`; the planned change."""
    number, login = row.number, row.get("login")
    if login and login in seen:
        check.add("login", DomainError(_l(
            "employee number '%(login)s' already appears in row %(row)d",
            login=login, row=seen[login])))
    if login:
        seen.setdefault(login, number)
    user = existing.get(login or "")
    data, problems = accounts.check_user_data(_row_data(row, lookups, user, check), existing=user)
    for problem in problems:  # what the cells' own checks have not already said
        column = FIELD_COLUMNS.get(problem.field or "", "")
        if not column or not (check.failed(column) or check.failed(DEPENDS.get(column, ""))):
            check.add(column, problem)
    active = check.check("status", _status, row.get("status"))
    password = row.get("password")
    if password and user is None and not check.failed("login"):
        check.check("password", check_password_strength, password, data.login, "password")
    if user is not None and not check.problems:  # the last active administrator stays one
        check.check("", accounts.keep_an_admin, user,
                    active is False or Role.ADMIN.value not in data.roles)
    return number, user, data, active, password


def _apply_row(report: RosterReport, user, data, active, password, hash_method: str) -> None:
    if user is None:
        user, password = accounts.create_user(data, password, hash_method=hash_method)
        if active is False:
            user.active = False
        report.created += 1
        report.new_accounts.append((user.login, user.name, password))
        user_synced(user, "created", "roster")
        return
    before = _snapshot(user)
    if active is False:
        accounts.keep_an_admin(user, True)
    accounts.apply_user_data(user, data)
    if active is False and user.active:
        accounts.end_sessions(user)
    if active is not None:
        user.active = active
    db.session.flush()
    if _snapshot(user) == before:
        report.unchanged += 1
    else:
        report.updated += 1
        user_synced(user, "deactivated" if before[6] and not user.active else "updated",
                    "roster")
