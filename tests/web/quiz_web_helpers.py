"""Helpers for the quiz-taking web tests: start an attempt through the web, answer by form,
read an attempt back fresh from the database."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import QuizAttempt

# The form fields of a full-credit answer to each question of tests/quiz_factories.py.
RIGHT = {
    "single_choice": {"response": "1"},
    "multiple_choice": {"response": ["0", "1"]},
    "true_false": {"response": "false"},
    "fill_blank": {"response": "二十四"},
    "numerical": {"response": "3.5"},
    "matching": {"response-0": "0", "response-1": "1"},
    "ordering": {"order-0": "1", "order-1": "2", "order-2": "3"},
    "short_answer": {"response": "理解您的顾虑，我们先看看哪种方案适合您。"},
}
WRONG = {
    "single_choice": {"response": "0"},
    "multiple_choice": {"response": ["2"]},
    "true_false": {"response": "true"},
    "fill_blank": {"response": "48"},
    "numerical": {"response": "9"},
    "matching": {"response-0": "2", "response-1": "0"},
    "ordering": {"order-0": "3", "order-1": "2", "order-2": "1"},
}
JSON = {"Accept": "application/json"}


def start(client, slug: str) -> int:
    response = client.post(f"/learn/quizzes/{slug}/start")
    assert response.status_code == 302, response.text
    assert "/learn/attempts/" in response.location, response.location
    return int(response.location.rsplit("/", 1)[1])


def answer(client, attempt_id: int, position: int, fields: dict, go: str = "next", **kwargs):
    return client.post(f"/learn/attempts/{attempt_id}/answer",
                       data={"position": str(position), "go": go, **fields}, **kwargs)


def submit(client, attempt_id: int):
    return client.post(f"/learn/attempts/{attempt_id}/submit", data={"confirm": "1"})


def fresh(attempt_id: int) -> QuizAttempt:
    db.session.expire_all()
    return db.session.get(QuizAttempt, attempt_id)


def attempt_count() -> int:
    return db.session.scalar(select(func.count()).select_from(QuizAttempt))
