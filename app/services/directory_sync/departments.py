"""The provider's department tree → 院区 and nested departments: the children of the
directory's root are 院区 (the one an admin mapped, else the 院区 of the same name, else a new
one); every department below them is a department of that 院区, found by the provider's id
(first sync: by name at the same place), renamed and moved with it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Department, Hospital
from app.services.directory_sync.report import SyncReport
from app.services.identity.base import DirectoryDepartment, Provider


@dataclass
class DepartmentMap:
    """Provider department id → the 院区 (top level) or the department it became."""

    hospitals: dict[str, Hospital] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)


def top_level(provider: Provider, rows: list[DirectoryDepartment]) -> list[DirectoryDepartment]:
    """The departments that stand for a 院区: below the root (or whose parent is not visible)."""
    known = {row.id for row in rows}
    return [row for row in rows if row.id != provider.root_department
            and (row.parent_id == provider.root_department or row.parent_id not in known)]


def sync_departments(provider: Provider, rows: list[DirectoryDepartment],
                     report: SyncReport) -> DepartmentMap:
    """Create, adopt, rename and move; counted in report.departments. Flushes."""
    found = DepartmentMap()
    children: dict[str | None, list[DirectoryDepartment]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    for top in top_level(provider, rows):
        hospital = _hospital(provider, top, report)
        if hospital is None:
            continue
        found.hospitals[top.id] = hospital
        todo = [(child, None) for child in children.get(top.id, [])]
        while todo:
            row, parent = todo.pop(0)
            dept = _department(provider, row, hospital, parent, report)
            if dept is None:
                continue
            found.departments[row.id] = dept
            todo += [(child, dept) for child in children.get(row.id, [])]
    return found


def _count(report: SyncReport, outcome: str) -> None:
    report.departments[outcome] += 1


def _hospital(provider: Provider, row: DirectoryDepartment,
              report: SyncReport) -> Hospital | None:
    """The 院区 of a top-level department; never renamed (the admin's name stays)."""
    column = getattr(Hospital, provider.department_column)
    hospital = db.session.scalar(select(Hospital).where(column == row.id))
    if hospital is not None:
        _count(report, "unchanged")
        return hospital
    name = row.name[:100]
    hospital = db.session.scalar(select(Hospital).where(Hospital.name == name))
    if hospital is not None and getattr(hospital, provider.department_column):
        report.department_error(row.id, _l(
            "The hospital '%(name)s' already stands for another department of the directory; "
            "map this department to a hospital on the directory sync page.", name=name))
        return None
    _count(report, "created" if hospital is None else "updated")
    hospital = hospital or Hospital(name=name)
    setattr(hospital, provider.department_column, row.id)
    db.session.add(hospital)
    db.session.flush()
    return hospital


def _department(provider: Provider, row: DirectoryDepartment, hospital: Hospital,
                parent: Department | None, report: SyncReport) -> Department | None:
    column = getattr(Department, provider.department_column)
    dept = db.session.scalar(select(Department).where(column == row.id))
    name = row.name[:100]
    clash = db.session.scalar(select(Department).where(
        Department.hospital_id == hospital.id, Department.name == name,
        Department.parent_id.is_(None) if parent is None else Department.parent_id == parent.id))
    if dept is None and clash is not None and not getattr(clash, provider.department_column):
        dept = clash  # first sync: the department of that name at that place
        setattr(dept, provider.department_column, row.id)
        _count(report, "updated")
        return dept
    if clash is not None and clash is not dept:
        report.department_error(row.id, _l(
            "There is already a department named '%(name)s' at this level.", name=name))
        return None
    wanted = (hospital.id, parent.id if parent else None, name)
    if dept is not None and (dept.hospital_id, dept.parent_id, dept.name) == wanted:
        _count(report, "unchanged")
        return dept
    _count(report, "updated" if dept is not None else "created")
    dept = dept or Department()
    dept.hospital_id, dept.parent_id, dept.name = wanted
    setattr(dept, provider.department_column, row.id)
    db.session.add(dept)
    db.session.flush()
    return dept
