"""Hospitals (院区), nested departments and positions (岗位): create, edit, remove, tree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Select, func, select

from app.extensions import db
from app.models import Department, Hospital, Position, User, department_leads
from app.services.errors import DomainError
from app.services.validation import clean_text

NAME = lazy_pgettext("organisation", "Name")
WEBHOOK = _l("WeCom group robot webhook")


@dataclass(frozen=True)
class TreeRow:
    """One department in a hospital's tree, with its depth and full path."""

    department: Department
    depth: int
    path: str


# ---- hospitals -------------------------------------------------------------------------------

def save_hospital(hospital: Hospital | None, *, name: str, code: str | None,
                  sort_order: int = 0) -> Hospital:
    """Create a hospital (when `hospital` is None) or rename it; names are unique."""
    name = clean_text(name, field="name", label=NAME, max_length=100)
    code = clean_text(code, field="code", label=_l("Code"), max_length=20, required=False)
    clash = db.session.scalar(select(Hospital).where(Hospital.name == name))
    if clash is not None and clash is not hospital:
        raise DomainError(_l("A hospital named '%(name)s' already exists.", name=name), "name")
    hospital = hospital or Hospital()
    hospital.name, hospital.code, hospital.sort_order = name, code, sort_order
    db.session.add(hospital)
    db.session.flush()
    return hospital


def delete_hospital(hospital: Hospital) -> None:
    """Remove a hospital that has no departments left."""
    if db.session.scalar(select(func.count()).where(Department.hospital_id == hospital.id)):
        raise DomainError(_l("Remove or move this hospital's departments first."))
    db.session.delete(hospital)
    db.session.flush()


def list_hospitals() -> list[Hospital]:
    return list(db.session.scalars(select(Hospital).order_by(Hospital.sort_order, Hospital.id)))


# ---- departments -----------------------------------------------------------------------------

def _tree_rows(departments: list) -> list[TreeRow]:
    """The departments in tree order (each parent before its children, siblings as given):
    `Department` objects, or rows with their id, parent_id and name."""
    children: dict[int | None, list[Department]] = {}
    for dept in departments:
        children.setdefault(dept.parent_id, []).append(dept)
    rows: list[TreeRow] = []

    def walk(dept: Department, depth: int, prefix: str) -> None:
        path = f"{prefix} / {dept.name}" if prefix else dept.name
        rows.append(TreeRow(dept, depth, path))
        for child in children.get(dept.id, []):
            walk(child, depth + 1, path)

    for root in children.get(None, []):
        walk(root, 0, "")
    return rows


def department_tree(hospitals: list[Hospital] | None = None) -> dict[int, list[TreeRow]]:
    """Every department, grouped by hospital id, in tree order (one query)."""
    departments = list(db.session.scalars(
        select(Department).order_by(Department.sort_order, Department.name)
    ))
    trees: dict[int, list[TreeRow]] = {}
    for row in _tree_rows(departments):
        trees.setdefault(row.department.hospital_id, []).append(row)
    return trees


def department_paths() -> dict[int, str]:
    """Department id → "parent / child" path inside its hospital, for labels and lookups
    (the roster and content files name departments this way, next to a hospital)."""
    return {row.department.id: row.path
            for rows in department_tree().values() for row in rows}


@lru_cache(maxsize=1)
def _labels_statement() -> Select:
    return (select(Department.id, Department.parent_id, Department.name, Department.hospital_id,
                   Hospital.name, Hospital.sort_order)
            .join(Department.hospital).order_by(Department.sort_order, Department.name))


_LABELS: dict[tuple, dict[int, str]] = {}  # the rows read → their labels, per worker


def department_labels() -> dict[int, str]:
    """Department id → "院区 / parent / child", in picker order: hospitals as the admin ordered
    them, then each hospital's tree (one query). Two departments of the same name in two
    hospitals therefore read differently wherever a department is chosen. The labels are
    built once per worker for the rows read (keyed by all of them: exact, whatever changed):
    a group has hundreds of departments, on every picker page."""
    rows = tuple(map(tuple, db.session.execute(_labels_statement())))  # compared in C
    labels = _LABELS.get(rows)
    if labels is None:
        labels = _labels_of(rows)
        if len(_LABELS) >= 8:
            _LABELS.clear()
        _LABELS[rows] = labels
    return dict(labels)


def _labels_of(rows) -> dict[int, str]:
    children: dict[int | None, list[tuple[int, str, int]]] = {}
    hospitals: dict[int, tuple[int, int, str]] = {}
    for dept_id, parent_id, name, hospital_id, hospital_name, hospital_order in rows:
        children.setdefault(parent_id, []).append((dept_id, name, hospital_id))
        hospitals[hospital_id] = (hospital_order, hospital_id, hospital_name)
    by_hospital: dict[int, list[tuple[int, str]]] = {}  # each hospital's tree order

    def walk(dept_id: int, path: str, hospital_id: int) -> None:
        by_hospital.setdefault(hospital_id, []).append((dept_id, path))
        for child_id, name, child_hospital in children.get(dept_id, ()):
            walk(child_id, f"{path} / {name}", child_hospital)

    for dept_id, name, hospital_id in children.get(None, ()):
        walk(dept_id, name, hospital_id)
    return {dept_id: f"{hospitals[hospital_id][2]} / {path}"
            for hospital_id in sorted(by_hospital, key=lambda key: hospitals[key][:2])
            for dept_id, path in by_hospital[hospital_id]}


def department_options(within: set[int] | None = None) -> list[tuple[int, str]]:
    """(id, "院区 / parent / child") for every department picker, in `department_labels` order;
    `within`: only these departments (a supervisor's scope), None for all."""
    return [(dept_id, label) for dept_id, label in department_labels().items()
            if within is None or dept_id in within]


def subtree_ids(root_ids: set[int]) -> set[int]:
    """The given departments and all their descendants (one query)."""
    pairs = db.session.execute(select(Department.id, Department.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for dept_id, parent_id in pairs:
        children.setdefault(parent_id, []).append(dept_id)
    found, stack = set(), list(root_ids)
    while stack:
        dept_id = stack.pop()
        if dept_id in found:
            continue
        found.add(dept_id)
        stack.extend(children.get(dept_id, []))
    return found


def save_department(dept: Department | None, *, hospital_id: int | None, parent_id: int | None,
                    name: str, sort_order: int = 0,
                    wecom_webhook_url: str | None = None) -> Department:
    """Create or edit a department; the parent must be in the same hospital and not below it.
    `wecom_webhook_url`: its WeCom group robot (https); "" removes it, None keeps it."""
    name = clean_text(name, field="name", label=NAME, max_length=100)
    webhook = clean_webhook_url(wecom_webhook_url) if wecom_webhook_url is not None else None
    parent = db.session.get(Department, parent_id) if parent_id else None
    if parent is not None:
        hospital_id = parent.hospital_id
    hospital = db.session.get(Hospital, hospital_id) if hospital_id else None
    if hospital is None:
        raise DomainError(_l("Choose a hospital."), "hospital_id")
    if dept is not None and parent is not None and parent.id in subtree_ids({dept.id}):
        raise DomainError(_l("A department cannot be placed under itself."), "parent_id")
    siblings = select(Department).where(
        Department.hospital_id == hospital.id, Department.name == name,
        Department.parent_id.is_(None) if parent is None else Department.parent_id == parent.id,
    )
    clash = db.session.scalar(siblings)
    if clash is not None and clash is not dept:
        raise DomainError(
            _l("There is already a department named '%(name)s' at this level.", name=name),
            "name",
        )
    dept = dept or Department()
    dept.hospital_id, dept.parent_id = hospital.id, parent.id if parent else None
    dept.name, dept.sort_order = name, sort_order
    if wecom_webhook_url is not None:
        dept.wecom_webhook_url = webhook
    db.session.add(dept)
    db.session.flush()
    return dept


def clean_webhook_url(value: str | None) -> str | None:
    """A WeCom group robot address: an https URL with a host (blank → None)."""
    value = clean_text(value, field="wecom_webhook_url", label=WEBHOOK, max_length=500,
                       required=False, privacy_exempt="a robot's address: its key is random "
                       "hex and may hold 11 digits in a row; never shown to learners")
    if value is None:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
        _port = parts.port  # a bad port raises ValueError
        valid = parts.scheme == "https" and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid or any(ch.isspace() for ch in value):
        raise DomainError(_l("The webhook must be an https:// address, as WeCom shows it when "
                             "you add a group robot."), "wecom_webhook_url")
    return value


def mask_webhook(url: str | None) -> str:
    """A webhook address safe to show: its host and the last 4 characters of its key."""
    if not url:
        return ""
    parts = urlsplit(url)
    secret = (parse_qs(parts.query).get("key") or [parts.path + parts.query])[0]
    return f"{parts.hostname or ''} …{secret[-4:]}"


def webhook_labels() -> dict[int, str]:
    """Department id → its masked robot address, for the departments that have one."""
    rows = db.session.execute(select(Department.id, Department.wecom_webhook_url).where(
        Department.wecom_webhook_url.is_not(None)))
    return {dept_id: mask_webhook(url) for dept_id, url in rows if url}


def delete_department(dept: Department) -> None:
    """Remove an empty department: no sub-departments and no people."""
    if db.session.scalar(select(func.count()).where(Department.parent_id == dept.id)):
        raise DomainError(_l("Remove or move the sub-departments first."))
    if db.session.scalar(select(func.count()).where(User.department_id == dept.id)):
        raise DomainError(_l("Move the people of this department elsewhere first."))
    db.session.execute(department_leads.delete().where(department_leads.c.department_id == dept.id))
    db.session.delete(dept)
    db.session.flush()


# ---- positions -------------------------------------------------------------------------------

def save_position(position: Position | None, *, name: str, sort_order: int = 0) -> Position:
    """Create or rename a position; names are unique."""
    name = clean_text(name, field="name", label=NAME, max_length=50)
    clash = db.session.scalar(select(Position).where(Position.name == name))
    if clash is not None and clash is not position:
        raise DomainError(_l("A position named '%(name)s' already exists.", name=name), "name")
    position = position or Position()
    position.name, position.sort_order = name, sort_order
    db.session.add(position)
    db.session.flush()
    return position


def delete_position(position: Position) -> None:
    """Remove a position nobody holds."""
    if db.session.scalar(select(func.count()).where(User.position_id == position.id)):
        raise DomainError(_l("People still hold this position; change their position first."))
    db.session.delete(position)
    db.session.flush()


def list_positions() -> list[Position]:
    return list(db.session.scalars(select(Position).order_by(Position.sort_order, Position.id)))


def headcounts() -> tuple[dict[int, int], dict[int, int]]:
    """Active people per position id and per department id (two aggregate queries)."""
    active = User.active.is_(True)
    by_position = dict(db.session.execute(
        select(User.position_id, func.count()).where(active).group_by(User.position_id)
    ).all())
    by_department = dict(db.session.execute(
        select(User.department_id, func.count()).where(active).group_by(User.department_id)
    ).all())
    return by_position, by_department
