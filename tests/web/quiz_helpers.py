"""Helpers for the quiz editor and grading pages: submitted attempts with short answers, and
the message a page shows for a msgid in the app's default language."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from markupsafe import escape

from app.extensions import db
from app.models import AttemptQuestion, Quiz, QuizAttempt
from app.models.base import utcnow
from app.services.quiz import attempts
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, short_answer, single


def shown(msgid: str, **values) -> str:
    """`msgid` as the app shows it in its default language (zh_CN), HTML-escaped.

    Read from the catalog, so a test keeps passing once the Chinese translation is merged and
    checks that the page shows the translated sentence."""
    with current_app.test_request_context():
        return str(escape(gettext(msgid, **values)))


def quiz_with_short_answer(**settings) -> Quiz:
    """A published quiz: one single choice and one short answer (worth 2 points)."""
    return make_quiz([single(), short_answer(points=2.0)], **settings)


def submit_attempt(quiz: Quiz, login: str, answer: str = "先共情，再了解预算。",
                   minutes_ago: int = 10) -> QuizAttempt:
    """`login` answers the single choice right and the short answer with `answer`, and
    submits: the attempt waits for a person. Committed."""
    now = utcnow() - timedelta(minutes=minutes_ago)
    attempt = attempts.start(quiz, person(login), now)
    attempts.save_answer(attempt, 0, "1", now)
    attempts.save_answer(attempt, 1, answer, now)
    attempts.submit(attempt, now)
    db.session.commit()
    return attempt


def short_row(attempt: QuizAttempt) -> AttemptQuestion:
    return next(row for row in attempt.questions if row.version.data["type"] == "short_answer")
