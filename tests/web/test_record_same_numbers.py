"""An employee's record (the supervisor's view, 我的成绩 and their downloads) shows the same
numbers after the rewrites of issue 15 (the record's statements built once per worker with
bound parameters). The previous code is kept here as the reference — what the person owes,
their courses and their points read by statements built anew for them — and both paths
render the generated bench organisation (tests/bench seed, 30 people, a supervisor of most
of them)."""

from __future__ import annotations

import re

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.models import Course, CourseVersionLesson, LessonProgress, User
from app.models.assignments import Assignment
from app.services.assign import follow
from app.services.assign.status import status_query
from app.services.points import tally
from app.services.points.rules import RULES
from app.services.reports import record, record_sections
from app.services.scope import led_department_ids
from tests.bench.seed import seed

STAFF, ATTEMPTS = 30, 4
TABLES = ("courses", "attempts", "exams", "acknowledgements", "runs", "results")


def _old_owed_by(user, now):
    from app.extensions import db

    rows = status_query(now, User.id == user.id,
                        user_filter=select(literal(user.id))).subquery("rows")
    query = (select(Assignment, rows.c.status, rows.c.done_at, rows.c.due_at)
             .join(rows, rows.c.assignment_id == Assignment.id)
             .order_by(Assignment.created_at.desc(), Assignment.id.desc()))
    return list(db.session.execute(query))


def _old_course_lines(user, assigned_ids):
    from app.extensions import db

    totals = record_sections._latest_lessons()
    lesson = aliased(CourseVersionLesson)
    mine = (select(LessonProgress.course_id,
                   func.count(case((and_(LessonProgress.completed_at.is_not(None),
                                         lesson.id.is_not(None)), 1))).label("done"),
                   func.min(LessonProgress.opened_at).label("started_at"),
                   func.max(LessonProgress.completed_at).label("last_at"))
            .outerjoin(totals, totals.c.course_id == LessonProgress.course_id)
            .outerjoin(lesson, and_(lesson.version_id == totals.c.version_id,
                                    lesson.key == LessonProgress.lesson_key))
            .where(LessonProgress.user_id == user.id)
            .group_by(LessonProgress.course_id).subquery("mine"))
    query = (select(Course.id, Course.slug, Course.title, totals.c.lessons, mine.c.done,
                    mine.c.started_at, mine.c.last_at)
             .outerjoin(totals, totals.c.course_id == Course.id)
             .outerjoin(mine, mine.c.course_id == Course.id)
             .where(or_(mine.c.course_id.is_not(None), Course.id.in_(assigned_ids)))
             .order_by(mine.c.last_at.desc().nulls_last(), Course.sort_order, Course.id))
    lines = []
    for cid, slug, title, lessons, done, started, last in db.session.execute(query):
        lessons, done = int(lessons or 0), int(done or 0)
        finished = last if lessons and done >= lessons else None
        lines.append(record_sections.CourseLine(cid, slug, title, lessons, done, started,
                                                finished))
    return lines


def _old_my_points(user_id, values, since):
    from app.extensions import db

    rows = tally.events([user_id])
    counts = {rule: (total, recent) for rule, total, recent in db.session.execute(
        select(rows.c.rule, func.count(), func.count(case((rows.c.at >= since, 1))))
        .group_by(rows.c.rule))}
    return tally.MyPoints([tally.RuleLine(rule.key, rule.label, values[rule.key],
                                          *counts.get(index, (0, 0)))
                           for index, rule in enumerate(RULES)])


def _use_old_code(monkeypatch) -> None:
    monkeypatch.setattr(follow, "owed_by", _old_owed_by)
    monkeypatch.setattr(record, "course_lines", _old_course_lines)
    monkeypatch.setattr(record, "my_points", _old_my_points)


def _render(app, credentials: dict, role: str, paths: list[str]) -> dict[str, str]:
    client = app.test_client()
    client.post("/auth/login", data={"login": credentials[role]["login"],
                                     "password": credentials["password"]})
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = re.sub(r'name="csrf_token"[^>]*>|csrf-token"[^>]*>', "",
                             response.get_data(as_text=True))
    return found


def _team_paths(supervisor_id: int) -> list[str]:
    """The records of eight of the supervisor's people, and one person's downloads."""
    from app.extensions import db

    scope = led_department_ids(db.session.get(User, supervisor_id))
    people = db.session.scalars(select(User.id).where(User.department_id.in_(scope),
                                                      User.id != supervisor_id)
                                .order_by(User.id)).all()
    assert len(people) > 10
    paths = [f"/team/members/{person}/record" for person in people[:8]]
    return paths + [f"/team/members/{people[0]}/record/export?table={table}&format=csv"
                    for table in TABLES] + [f"/team/members/{people[0]}"]


def test_the_record_shows_the_same_numbers_as_the_previous_code(app, monkeypatch):
    seeded = seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    credentials = seeded.credentials
    views = {"supervisor": _team_paths(credentials["supervisor"]["id"]),
             "employee": ["/learn/record"] + [f"/learn/record/export?table={table}&format=csv"
                                              for table in TABLES]}
    for role, paths in views.items():
        new = _render(app, credentials, role, paths)
        with monkeypatch.context() as patched:
            _use_old_code(patched)
            old = _render(app, credentials, role, paths)
        for path in paths:
            assert new[path] == old[path], (role, path)
    page = new["/learn/record"]
    assert 'data-testid="record-owed"' in page and "data-attempt=" in page
    assert re.search(r'data-status="(completed|overdue|in_progress)"', page)
    assert re.search(r'data-testid="points"><strong>[1-9]', page)
