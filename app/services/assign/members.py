"""Who owes an assignment now: its targets matched against the current organisation, in SQL.

A target row is the conjunction of the ids it sets: a user; a department with every
department below it; a position; a position within a department. Deactivated people owe
nothing. One SELECT serves the follow-up page (one assignment, every person), "我的任务"
(one person, every assignment) and the reminders (everything), so they always agree.
"""

from __future__ import annotations

from sqlalchemy import CompoundSelect, Select, and_, exists, literal, or_, select, true, union

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


def assignee_pairs(*where) -> CompoundSelect:
    """SELECT (assignment_id, user_id) of live assignments and the active people they are
    for, without duplicates; `where` narrows it (e.g. Assignment.id == 5, or User.id == 7)
    and is applied in every part.

    One part per kind of target, each an equi-join that an index serves, so the people
    asked for (a team, one person) drive it and the cost follows them, not the
    organisation: a department target (with or without a person or position) meets the
    person through the department closure — person → their department's ancestors →
    the targets of those departments (`ix_assignment_targets_department_id`); a person
    target through `users.id`; a position target through `users.position_id`; a target
    for everyone is every active person. Matched by OR-ed conditions in one join instead
    (the previous form), the database paired every target with every person: at 10,000
    staff SQLite probed the users once per (person, target) — 1.5–2 s for a team of 200.
    A correlated EXISTS under an OR (the form before) made PostgreSQL charge that subplan
    for every (target, person) pair."""
    target = AssignmentTarget
    closure = department_closure()
    no_department = target.department_id.is_(None)
    in_position = or_(target.position_id.is_(None), target.position_id == User.position_id)
    parts = [
        # a department with every department below it (and a person or position within)
        _part(closure, closure.c.ancestor_id == target.department_id,
              User.department_id == closure.c.department_id,
              or_(target.user_id.is_(None), target.user_id == User.id), in_position),
        _part(None, None, User.id == target.user_id, no_department, in_position),
        _part(None, None, User.position_id == target.position_id, no_department,
              target.user_id.is_(None)),
        _part(None, None, true(), no_department, target.user_id.is_(None),
              target.position_id.is_(None)),  # everyone
    ]
    return union(*[part.where(*where) for part in parts])


def _part(via, via_on, user_on, *matched) -> Select:
    """One kind of target: the target (through `via`, e.g. the department closure), its
    people (`user_on`), its live assignment; `matched`: the rest of the target's terms."""
    query = select(Assignment.id.label("assignment_id"), User.id.label("user_id")
                   ).select_from(AssignmentTarget)
    if via is not None:
        query = query.join(via, via_on)
    return (query.join(User, and_(user_on, User.active.is_(True)))
            .join(Assignment, Assignment.id == AssignmentTarget.assignment_id)
            .where(Assignment.cancelled_at.is_(None), *matched))


def is_assignee(assignment_id: int, user_id: int):
    """SQL boolean: the user owes the assignment now."""
    pairs = assignee_pairs(Assignment.id == assignment_id, User.id == user_id).subquery()
    return exists(select(literal(1)).select_from(pairs))
