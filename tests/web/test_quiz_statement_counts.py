"""The quiz's hot paths run a small, fixed number of statements whatever the number of
questions: the question page of an open attempt, autosaving one answer (quiz.js's JSON post)
and 交卷 of an exam. The bounds are today's counts (docs/performance.md, "Quiz pages"), so a
change that loads the attempt again, or a question at a time, fails here."""

from __future__ import annotations

import re

import pytest
from flask import has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.attempts import WrongQuestion
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, single
from tests.web.quiz_web_helpers import JSON, RIGHT, WRONG, answer, fresh, start, submit

# user ⋈ device ⟕ roles with the header's unread count, the attempt ⟕ its title ⋈ its
# questions (answered or not) ⟕ the one asked ⟕ its version (services/quiz/question_page.py)
# (2; 3 before session 10, 4 before session 9, 6 before session 7, 9 before issue 15).
QUESTION_PAGE = 2
# user ⋈ device ⟕ roles, the claim (which finds the deadline not passed), the write
# (counting the answers as stored now): 3 (4 before session 14, 6 before session 9, 8 before
# session 7, 16 before issue 15). The attempt's rows and versions are read by a worker's
# first autosave of it, every position at once (services/quiz/quick_save.py): the earlier
# answers here did. The user is not read again after the commit. On PostgreSQL the claim and
# the write are one statement, its own transaction (2).
AUTOSAVE = {"sqlite": 3, "postgresql": 2}
# user, then the attempt ⟕ its answers ⟕ their versions and whether a webhook endpoint is
# active (one statement, read and graded before any write), the claim that hands in and
# totals, the grades (one executemany), the wrong-question book (one upsert executemany:
# right and wrong answers alike), the exam's taker row for the quiz analytics (one INSERT …
# ON CONFLICT, analytics.taker_rows), a first taker's answers added to the quiz's answer
# tallies (one INSERT … SELECT … ON CONFLICT, analytics.answer_tallies), the attempt's
# graded answers added to the person's question tallies of the team dashboard (one INSERT …
# SELECT … ON CONFLICT, analytics.person_tallies): 8 (7 before the dashboard's tallies, 10
# before, 20 before issue 15). Nothing more is read or written when no webhook endpoint is
# active. On PostgreSQL every write is one statement (3; 6 before session 15): the claim, the
# grades, the book, the person's tallies, the taker row and a first taker's answer tallies.
SUBMIT = {"sqlite": 8, "postgresql": 3}
# a practice answer is graded at once, on the full path: the exam's one-statement look at
# the attempt first (quick_save.target: not an exam), then user, attempt, questions ⟕ the
# version answered, the claim, the answers as stored now, the wrong-question book's
# entries, the write with the grade (8; 7 before session 9, 9 before session 7)
PRACTICE_AUTOSAVE = 8


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def _count(count_statements, call, status: int) -> int:
    with count_statements() as counted:
        response = call()
    assert response.status_code == status, response.text
    return counted()


def _hot_paths(client, count_statements, slug: str, questions: int) -> tuple[int, int, int]:
    make_quiz([single(stem=f"第{n}题") for n in range(questions)], slug=slug, mode="exam")
    attempt_id = start(client, slug)
    page = _count(count_statements, lambda: client.get(f"/learn/attempts/{attempt_id}?q=1"),
                  200)
    for position in range(questions - 1):
        answer(client, attempt_id, position, RIGHT["single_choice"], headers=JSON)
    saved = _count(count_statements, lambda: answer(
        client, attempt_id, questions - 1, WRONG["single_choice"], headers=JSON), 200)
    handed_in = _count(count_statements, lambda: submit(client, attempt_id), 302)
    attempt = fresh(attempt_id)
    assert attempt.state == "finished" and attempt.score == questions - 1
    assert [row.fraction for row in attempt.questions] == [1.0] * (questions - 1) + [0.0]
    return page, saved, handed_in


def test_question_page_autosave_and_submit_are_few_and_constant(employee, count_statements):
    small = _hot_paths(employee, count_statements, "three", 3)
    big = _hot_paths(employee, count_statements, "twenty", 20)
    assert big == small
    dialect = db.engine.dialect.name
    assert big == (QUESTION_PAGE, AUTOSAVE[dialect], SUBMIT[dialect])
    assert db.session.scalar(select(func.count(WrongQuestion.id))) == 2  # one per exam


def test_the_lean_page_still_labels_the_map_and_marks_the_taker(employee):
    """What the leaner rendering must keep: each map button's label (第 n 题, · 已答 once
    answered, the current one marked) and the watermark with the taker's name and login."""
    make_quiz([single(stem=f"第{n}题") for n in range(3)], slug="map", mode="exam")
    attempt_id = start(employee, "map")
    answer(employee, attempt_id, 0, RIGHT["single_choice"], headers=JSON)
    page = employee.get(f"/learn/attempts/{attempt_id}?q=1").text
    labels = re.findall(r'data-map="(\d)" aria-label="([^"]*)"\s*(aria-current="step")?', page)
    assert labels == [("0", "第 1 题 · 已答", ""), ("1", "第 2 题", 'aria-current="step"'),
                      ("2", "第 3 题", "")]
    me = person("employee")
    watermark = page.split('<svg class="watermark"')[1].split("</svg>")[0]
    assert watermark.count("<text") == 3 and f">{me.name} {me.login}</text>" in watermark
    assert 'aria-hidden="true"' in page.split('<svg class="watermark"')[1].split(">")[0]


def test_a_practice_answer_graded_at_once_is_few_and_constant(employee, count_statements):
    def autosave(slug: str, questions: int) -> int:
        make_quiz([single(stem=f"第{n}题") for n in range(questions)], slug=slug,
                  mode="practice")
        attempt_id = start(employee, slug)
        count = _count(count_statements, lambda: answer(
            employee, attempt_id, 1, RIGHT["single_choice"], headers=JSON), 200)
        assert fresh(attempt_id).questions[1].fraction == 1.0
        return count

    assert autosave("few", 3) == autosave("many", 20) == PRACTICE_AUTOSAVE


def _writes(call) -> list[str]:
    """The statements of `call` that would change the database."""
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert call().status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return [word for word in seen if word in ("INSERT", "UPDATE", "DELETE")]


def test_opening_a_quiz_start_page_writes_and_commits_nothing(employee):
    """GET of the start page (before starting, and with an attempt open) writes no row and
    commits nothing; only handing in an overdue attempt writes (test_quiz_taking)."""
    make_quiz([single()], slug="look", mode="exam")
    commits: list[int] = []

    def committing(_session):
        if has_request_context():  # (the test client commits the test's own session first)
            commits.append(1)

    event.listen(Session, "before_commit", committing)
    try:
        assert _writes(lambda: employee.get("/learn/quizzes/look")) == [] and commits == []
        start(employee, "look")
        commits.clear()
        assert _writes(lambda: employee.get("/learn/quizzes/look")) == [] and commits == []
    finally:
        event.remove(Session, "before_commit", committing)
