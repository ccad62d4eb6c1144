"""The leaderboard (排行榜): people ranked by points within a department or a hospital (院区).

Who sees whom — one rule for every board: you see the names of the people you may see
anyway: your own department (with its sub-departments), for a supervisor also the
departments they lead (app/services/scope.py), for an administrator everyone. Anyone else on
a board (the rest of the clinic, on the hospital board) is shown as "a colleague": rank and
points only, no name, no department. So a supervisor never sees another department's people,
and everybody still sees where they stand in the whole clinic.

Boards one may open: the department board of one's own department or (supervisors) of one
they lead, admins any; the hospital board of one's own hospital, admins any. Anything else
is NotFound (a 404), so a department or hospital id in the URL cannot widen the view.
Deactivated accounts are left out. Ties share a rank (1, 2, 2, 4); the first TOP people with
points are listed (a tie across the cut is cut too, by account age) and the viewer's own row
is always there when they are on the board.
A board is one SQL statement whatever the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.models import Department, Hospital, User
from app.permissions import Permission, Role, permissions_of
from app.services.errors import NotFound
from app.services.org import department_labels, department_paths, subtree_ids
from app.services.points.tally import totals
from app.services.scope import led_department_ids

SCOPES = ("department", "hospital")
TOP = 20


@dataclass(frozen=True)
class BoardRow:
    rank: int
    points: int
    name: str | None  # None: a colleague outside the viewer's sight
    department: str | None
    is_me: bool
    listed: bool  # among the top (else: the viewer's own row, below them)


@dataclass
class Board:
    scope: str
    target_id: int | None
    choices: list[tuple[int, str]]
    rows: list[BoardRow] = field(default_factory=list)
    members: int = 0

    @property
    def me(self) -> BoardRow | None:
        return next((row for row in self.rows if row.is_me), None)

    @property
    def leaders(self) -> list[BoardRow]:
        """The listed people, without the viewer's own row when it is below them."""
        return [row for row in self.rows if row.listed]


def visible_department_ids(actor: User) -> set[int] | None:
    """Departments whose people the actor may see by name; None means every department."""
    if Role.ADMIN.value in actor.roles:
        return None
    visible = subtree_ids({actor.department_id}) if actor.department_id else set()
    if Permission.VIEW_TEAM in permissions_of(actor.roles):
        visible |= led_department_ids(actor) or set()
    return visible


def department_choices(visible: set[int] | None, paths: dict[int, str]
                       ) -> list[tuple[int, str]]:
    return [(i, p) for i, p in paths.items() if visible is None or i in visible]


def hospital_choices(actor: User) -> list[tuple[int, str]]:
    """Admins: every hospital; anyone else: the hospital of their department."""
    query = select(Hospital.id, Hospital.name).order_by(Hospital.sort_order, Hospital.id)
    if Role.ADMIN.value not in actor.roles:
        query = query.join(Department, Department.hospital_id == Hospital.id).where(
            Department.id == actor.department_id)
    return [(i, name) for i, name in db.session.execute(query)]


def _target(requested: int | None, choices: list[tuple[int, str]], own: int | None
            ) -> int | None:
    ids = [i for i, _label in choices]
    if requested is not None:
        if requested not in ids:
            raise NotFound("board")
        return requested
    return own if own in ids else (ids[0] if ids else None)


def _own_hospital(actor: User) -> int | None:
    return actor.department.hospital_id if actor.department_id else None


def leaderboard(actor: User, scope: str, requested: int | None, values: dict[str, int],
                since: datetime | None, top: int = TOP) -> Board:
    """The board the actor asked for (NotFound when it is not theirs to open)."""
    scope = scope if scope in SCOPES else "department"
    visible, paths = visible_department_ids(actor), department_paths()
    if scope == "hospital":
        choices = hospital_choices(actor)
        target = _target(requested, choices, _own_hospital(actor))
        members = User.department_id.in_(
            select(Department.id).where(Department.hospital_id == target))
    else:
        choices = department_choices(visible, department_labels())
        target = _target(requested, choices, actor.department_id)
        members = User.department_id.in_(subtree_ids({target}) if target else set())
    board = Board(scope, target, choices)
    if target is None:
        return board
    for row in _ranked_rows(members, actor.id, values, since, top):
        shown = row.user_id == actor.id or visible is None or row.department_id in visible
        board.members = row.members
        board.rows.append(BoardRow(
            row.rank, int(row.points), row.name if shown else None,
            paths.get(row.department_id) if shown else None, row.user_id == actor.id,
            bool(row.listed)))
    return board


def _ranked_rows(members, viewer_id: int, values: dict[str, int], since, top: int):
    """The first `top` people with points, and the viewer's row (one statement)."""
    active = and_(User.active.is_(True), members)
    sums = totals(values, select(User.id).where(active), since)
    points = func.coalesce(sums.c.points, 0)
    order = func.row_number().over(order_by=(points.desc(), User.id))
    ranked = (select(User.id.label("user_id"), User.name, User.department_id,
                     points.label("points"),
                     func.rank().over(order_by=points.desc()).label("rank"),
                     order.label("place"), func.count().over().label("members"))
              .outerjoin(sums, sums.c.user_id == User.id)
              .where(active).subquery("ranked"))
    listed = and_(ranked.c.place <= top, ranked.c.points > 0)
    return db.session.execute(
        select(ranked, case((listed, 1), else_=0).label("listed"))
        .where(or_(listed, ranked.c.user_id == viewer_id))
        .order_by(ranked.c.place)).all()
