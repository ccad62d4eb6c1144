"""Helpers of the assignment page tests: assignments made through the service, the
follow-up page and one person's row on it, China-time form values."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.models.assignments import Assignment
from app.models.base import utcnow
from app.services.assign.assignments import AssignmentData, create_assignment
from tests.learning_factories import person

CHINA = ZoneInfo("Asia/Shanghai")


def local(moment) -> str:
    """A datetime-local field's value (China time) for a UTC moment."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def assign(actor: str, course_id: int, **fields) -> Assignment:
    """An assignment of a course made through the service (started yesterday), committed."""
    fields.setdefault("starts_at", utcnow() - timedelta(days=1))
    assignment = create_assignment(person(actor), AssignmentData(
        kind="course", item_id=course_id, **fields), utcnow())
    db.session.commit()
    return assignment


def follow_page(client, assignment_id: int, **args) -> str:
    response = client.get(f"/team/assignments/{assignment_id}", query_string=args)
    assert response.status_code == 200
    return response.text


def row_of(page: str, login: str) -> str:
    """The table row of one person on the follow-up page ("" when absent)."""
    start = page.find(f'<tr data-user="{login}">')
    return "" if start < 0 else page[start:page.find("</tr>", start)]
