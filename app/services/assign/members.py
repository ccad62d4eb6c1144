"""Who owes an assignment now: its targets matched against the current organisation, in SQL.

A target row is the conjunction of the ids it sets: a user; a department with every
department below it; a position; a position within a department. Deactivated people owe
nothing. One SELECT serves the follow-up page (one assignment, every person), "我的任务"
(one person, every assignment) and the reminders (everything), so they always agree.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, literal, or_, select

from app.models import Department, User
from app.models.assignments import Assignment, AssignmentTarget


def department_closure():
    """(ancestor_id, department_id) for every department and each of its ancestors —
    itself included — as a recursive CTE."""
    base = select(Department.id.label("ancestor_id"), Department.id.label("department_id"))
    closure = base.cte("department_closure", recursive=True)
    step = select(closure.c.ancestor_id, Department.id).join(
        Department, Department.parent_id == closure.c.department_id)
    return closure.union(step)


def assignee_pairs(*where) -> Select:
    """SELECT DISTINCT (assignment_id, user_id) of live assignments and the active people
    they are for; `where` narrows it (e.g. Assignment.id == 5, or User.id == 7).

    A department target matches through a join to the person's ancestors (their own
    department included), not through a correlated EXISTS under an OR: PostgreSQL charged
    that subplan's full cost for every (target, person) pair, and the inflated estimate
    (180,000 for 30,000 pairs) made it JIT-compile the dashboard's statements."""
    closure = department_closure()
    target = AssignmentTarget
    return (select(Assignment.id.label("assignment_id"), User.id.label("user_id"))
            .select_from(Assignment)
            .join(target, target.assignment_id == Assignment.id)
            .join(User, and_(User.active.is_(True),
                             or_(target.user_id.is_(None), target.user_id == User.id),
                             or_(target.position_id.is_(None),
                                 target.position_id == User.position_id)))
            .outerjoin(closure, closure.c.department_id == User.department_id)
            .where(Assignment.cancelled_at.is_(None),
                   or_(target.department_id.is_(None),
                       target.department_id == closure.c.ancestor_id), *where)
            .distinct())


def is_assignee(assignment_id: int, user_id: int):
    """SQL boolean: the user owes the assignment now."""
    pairs = assignee_pairs(Assignment.id == assignment_id, User.id == user_id).subquery()
    return exists(select(literal(1)).select_from(pairs))
