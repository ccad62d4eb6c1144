"""Following assignments up: which assignments an actor may see, and each person's status on
them — all from `status_query`, so the list, the follow-up page and a member's page agree.

Scope: an admin sees every assignment; a supervisor those they created and those meant for
people of the departments they lead (now, or by a target inside those departments), and of
each only the people of their own departments. `visible_assignments` is the one helper used
for the list and for opening one assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Integer,
    Select,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Position, User
from app.models.assignments import Assignment, AssignmentTarget
from app.models.base import UTCDateTime
from app.services import org
from app.services.assign.members import assignee_pairs
from app.services.assign.status import STATUSES, status_query
from app.services.items import KINDS
from app.services.scope import led_department_ids, resolved_ids

OPEN_STATUSES = ("not_started", "in_progress", "overdue")


@dataclass
class Summary:
    """How the people (of the actor's scope) stand on one assignment."""

    total: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def rate(self) -> int:
        """Completion rate in whole percent."""
        return round(100 * self.completed / self.total) if self.total else 0


def scoped(actor: User) -> tuple:
    """(SQL: the person is one of the actor's people, the SELECT of their ids narrowing the
    progress subqueries or None) — everyone for an admin. The person is matched by id in
    that SELECT, as the dashboard does: with `department_id IN (…)` on the person instead,
    SQLite scanned every user and then every progress row once per (assignment, person)
    pair (4.8 s of the assignment list at 1,000 staff). The ids are resolved first
    (`scope.resolved_ids`: a list when there are not too many)."""
    scope = led_department_ids(actor)
    if scope is None:
        return true(), None
    if not scope:
        return false(), select(User.id).where(false())
    team = resolved_ids(select(User.id).where(User.department_id.in_(scope)))
    return User.id.in_(team), team


def visible_assignments(actor: User, scope: set[int] | None | bool = False) -> Select:
    """SELECT of the assignments the actor may follow, newest first (`scope`: the actor's
    `led_department_ids` when the caller has them already)."""
    query = select(Assignment).order_by(Assignment.created_at.desc(), Assignment.id.desc())
    if scope is False:
        scope = led_department_ids(actor)
    if scope is None:
        return query
    team = select(User.id).where(User.department_id.in_(scope))
    # the people by id in their SELECT (see `scoped`): by department_id IN (…) on the
    # person, SQLite scanned every user of the organisation (0.7 s at 10,000 staff)
    pairs = assignee_pairs(User.id.in_(team)).subquery()
    targeted = select(AssignmentTarget.assignment_id).where(or_(
        AssignmentTarget.department_id.in_(scope), AssignmentTarget.user_id.in_(team)))
    return query.where(or_(Assignment.created_by_id == actor.id,
                           Assignment.id.in_(select(pairs.c.assignment_id)),
                           Assignment.id.in_(targeted)))


def get_visible(actor: User, assignment_id: int) -> Assignment | None:
    """The assignment when the actor may follow it, else None."""
    return db.session.scalar(visible_assignments(actor).where(Assignment.id == assignment_id))


def with_targets(query: Select) -> Select:
    return query.options(selectinload(Assignment.targets))


def item_titles(assignments) -> dict[int, str]:
    """assignment id → title of the item it gives, for all of them in one statement."""
    wanted: dict[str, set[int]] = {}
    for a in assignments:
        wanted.setdefault(a.kind, set()).add(item_id(a))
    parts = [select(literal(kind.key).label("kind"), kind.model.id, kind.model.title)
             .where(kind.model.id.in_(wanted[kind.key]))
             for kind in KINDS.values() if wanted.get(kind.key)]
    if not parts:
        return {}
    rows = db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all()
    titles = {(kind, i): title for kind, i, title in rows}
    return {a.id: titles.get((a.kind, item_id(a)), "—") for a in assignments}


def item_id(assignment: Assignment) -> int:
    return assignment.item_id


def summaries(actor: User, assignment_ids: list[int], now: datetime) -> dict[int, Summary]:
    """Per assignment: people owing it (in the actor's scope), completed, overdue — one
    grouped statement for all of them."""
    if not assignment_ids:
        return {}
    mine, people = scoped(actor)
    rows = status_query(now, Assignment.id.in_(assignment_ids), mine,
                        user_filter=people).subquery("rows")
    query = (select(rows.c.assignment_id, func.count(),
                    func.sum(case((rows.c.status == "completed", 1), else_=0)),
                    func.sum(case((rows.c.status == "overdue", 1), else_=0)))
             .group_by(rows.c.assignment_id))
    return {a_id: Summary(total, completed or 0, overdue or 0)
            for a_id, total, completed, overdue in db.session.execute(query)}


def follow_rows(actor: User, assignment: Assignment, now: datetime, *where) -> list:
    """One row per person of the actor's scope owing the assignment now: user_id, name,
    login, department_id, position, status, started, done_at, due_at (one statement);
    `where` narrows the people (e.g. User.id == 7)."""
    mine, people = scoped(actor)
    rows = status_query(now, Assignment.id == assignment.id, mine, *where,
                        user_filter=people).subquery("rows")
    query = (select(rows.c.user_id, User.name, User.login, User.department_id,
                    Position.name.label("position"), rows.c.status, rows.c.started,
                    rows.c.done_at, rows.c.due_at)
             .join(User, User.id == rows.c.user_id)
             .outerjoin(Position, Position.id == User.position_id)
             .order_by(User.department_id, User.login))
    return list(db.session.execute(query))


def count_statuses(rows) -> tuple[dict[str, int], Summary]:
    """Counts per status of follow rows, and their summary."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts, Summary(len(rows), counts["completed"], counts["overdue"])


def owed_by(user: User, now: datetime) -> list:
    """What one person owes now: (assignment, status, done_at, due_at), newest first (one
    statement)."""
    return list(db.session.execute(_owed_statement(), {"owed_user": user.id, "owed_now": now}))


@lru_cache(maxsize=1)
def _owed_statement() -> Select:
    """`owed_by`'s statement, built once per worker with the person and the moment as bound
    parameters: building the status statement (every kind's progress, the targets) took
    three times as long as running it (the employee record, a member's page)."""
    person = bindparam("owed_user", type_=Integer)
    rows = status_query(bindparam("owed_now", type_=UTCDateTime()), User.id == person,
                        user_filter=select(person)).subquery("rows")
    return (select(Assignment, rows.c.status, rows.c.done_at, rows.c.due_at)
            .join(rows, rows.c.assignment_id == Assignment.id)
            .order_by(Assignment.created_at.desc(), Assignment.id.desc()))


def describe_targets(assignments) -> dict[int, list[str]]:
    """assignment id → labels of its targets ("王小雨", "整形外科", "护士 · 整形外科"),
    with the names read in three statements for all of them."""
    targets = [t for a in assignments for t in a.targets]
    user_ids = {t.user_id for t in targets if t.user_id}
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_(user_ids))).all()) if user_ids else {}
    paths = org.department_paths()
    positions = dict(db.session.execute(select(Position.id, Position.name)).all())
    labels: dict[int, list[str]] = {}
    for a in assignments:
        labels[a.id] = [_label(t, names, paths, positions) for t in a.targets]
    return labels


def _label(target, names, paths, positions) -> str:
    parts = [names.get(target.user_id, "—") if target.user_id else None,
             positions.get(target.position_id, "—") if target.position_id else None,
             paths.get(target.department_id, "—") if target.department_id else None]
    return " · ".join(p for p in parts if p) or str(_l("Everyone"))
