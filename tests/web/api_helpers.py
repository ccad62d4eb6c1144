"""Helpers for the /api/v1 tests: tokens, a page walker, and one row of every resource."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.services import api_tokens
from tests.learning_factories import person

API = "/api/v1"


def make_token(scopes=api_tokens.SCOPES, name: str = "BI") -> str:
    """A live token's secret (created by the demo admin, committed)."""
    _token, secret = api_tokens.create_token(person("admin"), name, list(scopes), utcnow())
    db.session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def get(client, path: str, secret: str, **params):
    return client.get(f"{API}/{path}", headers=bearer(secret), query_string=params)


def walk(client, path: str, secret: str, limit: int, between=None, **params) -> list[dict]:
    """Every row of a list, page by page; `between(rows so far)` runs after each page."""
    rows, cursor = [], None
    while True:
        response = get(client, path, secret, limit=limit,
                       **({"cursor": cursor} if cursor else {}), **params)
        assert response.status_code == 200, response.text
        rows += response.json["data"]
        cursor = response.json["next_cursor"]
        if cursor is None:
            return rows
        assert len(response.json["data"]) == limit
        if between:
            between(rows)


def add_users(count: int, prefix: str = "api") -> list[int]:
    users = [User(login=f"{prefix}{i:03d}", name=f"接口测试{i}", password_hash="x")
             for i in range(count)]
    db.session.add_all(users)
    db.session.commit()
    return [u.id for u in users]


def seed_learning() -> dict[str, int]:
    """An assignment (the employee and 10005 owe a quiz, due in a week), the employee's
    attempt at it waiting for grading, and an SOP practice assignment the employee completed
    with a run reviewed twice (returned, then signed off)."""
    from app.services.practice.runs import submit_run
    from tests.path_factories import assign
    from tests.practice_factories import make_practice_sop, make_run, sign_off_run
    from tests.web.quiz_helpers import quiz_with_short_answer, submit_attempt

    quiz = quiz_with_short_answer(slug="api-quiz", title="接口测验")
    assignment = assign(quiz, "employee", "10005", due_at=utcnow() + timedelta(days=7))
    attempt = submit_attempt(quiz, "employee")
    module = make_practice_sop("api-sop")
    practice = assign(module, "employee", acknowledge=False, practice_runs=1)
    run = make_run("employee", module, status="returned")
    submit_run(person("employee"), run, now=utcnow())
    sign_off_run(run).scores = {"话术完整": 4, "时效": 5}
    db.session.commit()
    return {"assignment_id": assignment.id, "practice_assignment_id": practice.id,
            "attempt_id": attempt.id, "run_id": run.id}
