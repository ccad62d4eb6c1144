"""The one rule of the wrong-question book, wherever an employee or their supervisor meets it:
a short answer graded partly right does not enter; an entry written before the rule (a short
answer) or of an archived question is not listed, counted (我的学习, 学习档案 for the employee
and the supervisor) or practised; the page explains the rule."""

from __future__ import annotations

import re
from datetime import timedelta

from app.extensions import db
from app.models.attempts import WrongQuestion
from app.models.base import utcnow
from app.services.quiz import grading
from tests.learning_factories import person
from tests.quiz_factories import make_bank, make_quiz, short_answer, single
from tests.web.quiz_helpers import shown
from tests.web.quiz_web_helpers import answer, fresh, start, submit


def _counts(client) -> tuple[int, int, int]:
    """(listed on 错题本, the 我的学习 tile, the record's count) as the employee sees them."""
    book = client.get("/learn/wrong-book").text
    tile = re.search(r'data-testid="wrong-book-link".*?data-count="(\d+)"',
                     client.get("/learn/").text, re.DOTALL)
    record = re.search(r'data-testid="record-wrong-book"><strong>(\d+)<',
                       client.get("/learn/record").text)
    return book.count('data-testid="wrong-item"'), int(tile.group(1)), int(record.group(1))


def test_the_book_holds_the_same_questions_on_every_page(client, auth, demo):
    make_quiz([single("甲"), short_answer("丙", points=2.0)], slug="rule")
    auth.as_role("employee")
    attempt_id = start(client, "rule")
    answer(client, attempt_id, 0, {"response": "0"})  # wrong
    answer(client, attempt_id, 1, {"response": "先推销再说。"})
    submit(client, attempt_id)
    row = fresh(attempt_id).questions[1]
    grading.grade_by_hand(row, person("trainer"), 1.0, "要先共情。", [], utcnow())  # 1 of 2
    # entries written before the rule: a short answer, and a question archived since
    old_short, archived = make_bank([short_answer("旧简答"), single("已归档")])
    archived.archived = True
    employee = person("employee")
    for question in (old_short, archived):
        db.session.add(WrongQuestion(user_id=employee.id, question_id=question.id,
                                     wrong_count=1, added_at=utcnow() - timedelta(days=1)))
    db.session.commit()

    assert _counts(client) == (1, 1, 1)
    book = client.get("/learn/wrong-book").text
    assert "甲" in book and "丙" not in book and "旧简答" not in book
    assert shown("Short answers are graded by a person, so they are not part of the book: "
                 "read the grader’s comment in the attempt’s review.") in book
    practice = client.post("/learn/wrong-book/practice")
    assert practice.status_code == 302
    round_ = fresh(int(practice.location.rsplit("/", 1)[1]))
    assert [q.version.data["stem"] for q in round_.questions] == ["甲"]

    auth.logout()
    auth.as_role("supervisor")  # the employee's supervisor reads the same count
    page = client.get(f"/team/members/{employee.id}/record").text
    assert re.search(r'data-testid="record-wrong-book"><strong>1<', page)
