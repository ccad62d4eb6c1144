"""Who may see and review a practice run. One query serves the review queue and the
single-run check, so the two can never disagree."""

from __future__ import annotations

from sqlalchemy import Select, select

from app.extensions import db
from app.models import PracticeRun, User
from app.permissions import Permission, has_permission
from app.services.scope import led_department_ids, led_departments_query


def reviewable_runs(actor: User, *, in_sql: bool = False) -> Select:
    """SELECT of the runs the actor may review: their departments' people (admins: everyone),
    never their own. Nothing for someone without VIEW_TEAM. `in_sql`: the departments as a
    subquery instead of ids looked up first."""
    query = select(PracticeRun).join(User, User.id == PracticeRun.user_id)
    if not has_permission(actor, Permission.VIEW_TEAM):
        return query.where(False)
    scope = led_departments_query(actor) if in_sql else led_department_ids(actor)
    if scope is not None:
        query = query.where(User.department_id.in_(scope))
    return query.where(PracticeRun.user_id != actor.id)


def can_review(actor: User, run: PracticeRun) -> bool:
    return db.session.scalar(
        reviewable_runs(actor).with_only_columns(PracticeRun.id).where(PracticeRun.id == run.id)
    ) is not None


def can_view(actor: User, run: PracticeRun) -> bool:
    """The run's own employee, and whoever may review it."""
    return run.user_id == actor.id or can_review(actor, run)
