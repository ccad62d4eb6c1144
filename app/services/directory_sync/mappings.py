"""What an administrator maps for the directory sync: a top-level provider department → an
existing 院区, a 职务 the sync did not know → a 岗位, and people's userids (工号, userid) so the
first sync finds accounts whose 工号 is not their userid."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Hospital, Position, PositionAlias, User
from app.services.errors import DomainError
from app.services.identity.base import Provider
from app.services.importers.tabular import Column, TableSpec, read_table
from app.services.validation import clean_text

USERID_COLUMNS = (Column("login", ("工号", "Employee number", "login"), required=True),
                  Column("userid", ("userid", "UserID", "账号"), required=True))
MAX_ROWS = 20000


def map_hospital(provider: Provider, department_id: str, hospital_id: int | None) -> None:
    """The 院区 that the top-level department stands for (None: the next sync makes or finds
    one of the department's name). Its departments move there at the next sync."""
    column = provider.department_column
    department_id = (department_id or "").strip()[:64]
    if not department_id:
        raise DomainError(_l("Choose a department of the directory."))
    hospital = db.session.get(Hospital, hospital_id) if hospital_id else None
    if hospital_id and hospital is None:
        raise DomainError(_l("Choose an existing hospital."), "hospital_id")
    for other in db.session.scalars(select(Hospital).where(
            getattr(Hospital, column) == department_id)):
        setattr(other, column, None)
    db.session.flush()
    if hospital is not None:
        setattr(hospital, column, department_id)
        db.session.flush()


def map_position(name: str, position_id: int | None) -> None:
    """Directory 职务 `name` means the 岗位 `position_id` (None: forget the alias)."""
    name = clean_text((name or "").strip(), field="name", label=_l("Position"),
                      max_length=100)
    alias = db.session.get(PositionAlias, name)
    if position_id is None:
        if alias is not None:
            db.session.delete(alias)
        db.session.flush()
        return
    if db.session.get(Position, position_id) is None:
        raise DomainError(_l("Choose an existing position."), "position_id")
    alias = alias or PositionAlias(name=name)
    alias.position_id = position_id
    db.session.add(alias)
    db.session.flush()


def aliases() -> list[PositionAlias]:
    return list(db.session.scalars(select(PositionAlias).order_by(PositionAlias.name)))


@dataclass
class UseridReport:
    linked: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "message"}


def import_userids(provider: Provider, filename: str, data: bytes) -> UseridReport:
    """Set `provider.user_column` of each 工号 in the file; every wrong row reported (the
    caller writes nothing then). DomainError for a file that cannot be read."""
    table = read_table(data, TableSpec(USERID_COLUMNS, MAX_ROWS), filename=filename)
    table.check_header()
    report, column = UseridReport(), provider.user_column
    seen: set[str] = set()
    for row in table.rows:
        login, userid = row.get("login"), row.get("userid")
        if not login or not userid:
            report.errors.append({"row": row.number, "message": str(_l(
                "Both the employee number and the userid are needed."))})
            continue
        user = db.session.scalar(select(User).where(User.login == login))
        holder = db.session.scalar(select(User).where(getattr(User, column) == userid[:64]))
        problem = (_l("No account with employee number '%(login)s'.", login=login)
                   if user is None else
                   _l("The userid '%(userid)s' appears twice in the file.", userid=userid)
                   if userid in seen else
                   _l("The userid '%(userid)s' already belongs to %(name)s.", userid=userid,
                      name=holder.name) if holder is not None and holder is not user
                   else None)
        seen.add(userid)
        if problem is not None:
            report.errors.append({"row": row.number, "message": str(problem)})
        elif getattr(user, column) == userid:
            report.unchanged += 1
        else:
            setattr(user, column, userid[:64])
            db.session.flush()
            report.linked += 1
    return report
