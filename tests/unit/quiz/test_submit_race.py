"""Two submits of one attempt racing on two connections (a double tap, a retried request
on another worker): the attempt is graded once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import QuizAttempt, User
from app.models.attempts import WrongQuestion
from app.services.quiz import attempts
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, single, true_false

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_two_concurrent_submits_grade_the_attempt_once(app, demo):
    quiz = make_quiz([single(), true_false()])
    employee = person("employee")
    attempt = attempts.start(quiz, employee, T0)
    attempts.save_answer(attempt, 0, 0, T0)  # both wrong: each lands in the book once
    attempts.save_answer(attempt, 1, True, T0)
    db.session.commit()
    attempt_id, user_id = attempt.id, employee.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit_in_its_own_session() -> None:
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                mine = attempts.load_attempt(attempt_id, user)
                barrier.wait(timeout=10)
                attempts.submit(mine, T0)
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=submit_in_its_own_session) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    db.session.expire_all()
    graded = db.session.get(QuizAttempt, attempt_id)
    assert graded.state == "finished" and graded.score == 0.0
    book = db.session.scalars(select(WrongQuestion).where(WrongQuestion.user_id == user_id))
    assert sorted(entry.wrong_count for entry in book) == [1, 1]  # graded once, not twice
