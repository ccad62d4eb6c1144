"""The team side of results: whose figures an actor may see, and a team's table for a period.

Every query about "my team" goes through `scope.team_members`, so the list a supervisor sees,
the single result they open and the results "confirm all" touches can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select

from app.extensions import db
from app.models import User
from app.models.results import Metric, MetricResult
from app.services.errors import NotFound
from app.services.org import department_options, department_paths, subtree_ids
from app.services.results import measures
from app.services.results.metrics import list_metrics
from app.services.scope import led_department_ids, team_members


def team_member_ids(actor: User, department_id: int | None = None,
                    scope: set[int] | None = None, *, active_only: bool = False) -> Select:
    """SELECT of the ids of the actor's team (optionally one department with its
    sub-departments, and only active accounts)."""
    query = team_members(actor).with_only_columns(User.id)
    if active_only:
        query = query.where(User.active.is_(True))
    if department_id:
        query = query.where(User.department_id.in_(subtree_ids({department_id})))
    return query


def result_in_scope(actor: User, result_id: int) -> MetricResult:
    """The result if its person is in the actor's team; NotFound otherwise (a 404)."""
    result = db.session.scalar(select(MetricResult).where(
        MetricResult.id == result_id, MetricResult.user_id.in_(team_member_ids(actor))))
    if result is None:
        raise NotFound("result")
    return result


def department_choices(actor: User) -> list[tuple[int, str]]:
    """(id, path) of the departments the actor may filter by, sorted by path."""
    return department_options(led_department_ids(actor))


def valid_department(actor: User, department_id: int | None,
                     choices: list[tuple[int, str]]) -> int | None:
    """The filter when it is one of the actor's departments; None (all) otherwise."""
    return department_id if department_id in {i for i, _p in choices} else None


@dataclass
class MemberRow:
    user: User
    department: str
    cells: dict[int, MetricResult] = field(default_factory=dict)  # metric id → result


@dataclass
class TeamSummary:
    """A team × metrics table for one period, with totals and the number waiting."""

    kind: str
    start: date
    metrics: list[Metric]
    rows: list[MemberRow]
    totals: dict[int, float | None]  # metric id → the team's figure: sum or average (rounded)
    per_person: dict[int, float | None]  # metrics that add up: the average per person
    entered: dict[int, int]  # metric id → how many people entered a figure
    waiting: int  # results still to be confirmed (not counting the actor's own)


def team_summary(actor: User, kind: str, start: date,
                 department_id: int | None = None) -> TeamSummary:
    """The table of /results/team, in a constant number of statements."""
    metrics = list_metrics(period=kind)
    member_ids = team_member_ids(actor, department_id, active_only=True)
    users = list(db.session.scalars(select(User).where(User.id.in_(member_ids))
                                    .order_by(User.department_id, User.login)))
    paths = department_paths()
    rows = {u.id: MemberRow(u, paths.get(u.department_id, "—")) for u in users}
    results = db.session.scalars(select(MetricResult).where(
        MetricResult.period_start == start, MetricResult.user_id.in_(member_ids),
        MetricResult.metric_id.in_([m.id for m in metrics])))
    sums = {m.id: 0.0 for m in metrics}
    entered = {m.id: 0 for m in metrics}
    waiting = 0
    for result in results:
        rows[result.user_id].cells[result.metric_id] = result
        sums[result.metric_id] += result.value
        entered[result.metric_id] += 1
        waiting += result.status == "entered" and result.user_id != actor.id
    totals = {m.id: measures.combine(m, sums[m.id], entered[m.id]) for m in metrics}
    each = {m.id: measures.per_person(m, sums[m.id], entered[m.id]) for m in metrics}
    return TeamSummary(kind, start, metrics, list(rows.values()), totals, each, entered,
                       waiting)
