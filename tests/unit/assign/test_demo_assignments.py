"""The demo's assignments: made once, after the content they give, inside the demo
supervisor's departments; the SOP due two days ago shows as overdue."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models.assignments import Assignment
from app.services.assign.demo import seed_demo_assignments
from app.services.assign.status import status_query
from tests.learning_factories import make_sop

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_demo_assignments_are_made_once(demo):
    make_sop("night-enquiry-follow-up")
    make_sop("online-enquiry-to-first-visit")
    assert seed_demo_assignments(NOW) == 2  # the course and its quiz are not loaded here
    db.session.commit()
    assert seed_demo_assignments(NOW) == 0
    assert db.session.scalar(select(func.count(Assignment.id))) == 2
    late = db.session.scalar(select(Assignment).where(Assignment.practice_runs == 0))
    statuses = {row.status for row in db.session.execute(
        status_query(NOW, Assignment.id == late.id))}
    assert statuses == {"overdue"}
