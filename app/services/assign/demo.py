"""Demo assignments, so 我的任务, the team dashboard and reminders have something to show on a
fresh demo: 陈主管 gives her teams a course, its quiz and an SOP to acknowledge and practise
twice, and one SOP whose due date has passed. Made once: nothing is added when any
assignment exists."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Department, Position, User
from app.models.assignments import Assignment
from app.services.assign.assignments import AssignmentData, create_assignment
from app.services.items import kind_of

# kind, slug, target (department or position name), started days ago, due in days, extras
PLAN = [
    ("course", "private-domain-basics", ("department", "客服中心"), 3, 11, {}),
    ("quiz", "course-private-domain-basics", ("department", "客服中心"), 3, 18, {}),
    ("sop", "online-enquiry-to-first-visit", ("position", "客服"), 7, 14,
     {"practice_runs": 2, "message": "本月每人实操两次，交给我审核。"}),
    ("sop", "night-enquiry-follow-up", ("department", "客服中心"), 10, -2, {}),
]


def seed_demo_assignments(now: datetime) -> int:
    """Create the demo assignments (after `content sync`); returns how many."""
    supervisor = db.session.scalar(select(User).where(User.login == "supervisor"))
    if supervisor is None or db.session.scalar(select(func.count(Assignment.id))):
        return 0
    made = 0
    for kind, slug, (target, name), started, due, extras in PLAN:
        model = kind_of(kind).model
        item = db.session.scalar(select(model).where(model.slug == slug))
        target_id = db.session.scalar(
            select(Department.id if target == "department" else Position.id)
            .where((Department.name if target == "department" else Position.name) == name))
        if item is None or target_id is None:
            continue
        data = AssignmentData(kind=kind, item_id=item.id,
                              starts_at=now - timedelta(days=started),
                              due_at=now + timedelta(days=due), **extras)
        getattr(data, f"{target}_ids").append(target_id)
        given = now - timedelta(days=started)
        assignment = create_assignment(supervisor, data, given)
        assignment.created_at = given  # as if given then: earlier runs count towards it
        made += 1
    return made
