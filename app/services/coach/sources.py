"""What a reply is checked against, looked up for the acting user: an SOP step as published
(its script template and key points), or a short-answer question of the user's own attempt
(its rubric as key points; placeholders are what such answers are asked to use)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AttemptQuestion, QuizAttempt, SopVersionStep, User
from app.services.coach.key_points import clean_key_points, rubric_key_points
from app.services.errors import NotFound

MAX_TEXT = 2000  # characters of one reply


def step_context(step_id: int) -> dict:
    """review_reply keywords for a published step (SopVersionStep.id)."""
    step = db.session.get(SopVersionStep, step_id)
    if step is None:
        raise NotFound(_l("This SOP step does not exist."))
    return {"key_points": clean_key_points(step.key_points), "template": step.script or ""}


def attempt_question_context(question_id: int, user: User) -> dict:
    """review_reply keywords for a question of the user's own attempt (NotFound for anyone
    else's). A short answer's rubric points are its key points, except during an exam: the
    rubric is how the answer will be graded, so an exam does not show it."""
    row = db.session.execute(
        select(AttemptQuestion).join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .where(AttemptQuestion.id == question_id, QuizAttempt.user_id == user.id)
        .options(selectinload(AttemptQuestion.version), selectinload(AttemptQuestion.attempt))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(_l("This question does not exist."))
    data = row.version.data or {}
    rubric = (data.get("payload") or {}).get("rubric") or []
    shows_rubric = data.get("type") == "short_answer" and row.attempt.mode != "exam"
    return {"key_points": rubric_key_points(rubric) if shows_rubric else [],
            "placeholders_expected": True}


def context_for(user: User, *, step_id: int | None = None,
                attempt_question_id: int | None = None) -> dict:
    """The keywords for review_reply: from a step, a question, or nothing (terms only)."""
    if attempt_question_id is not None:
        return attempt_question_context(attempt_question_id, user)
    if step_id is not None:
        return step_context(step_id)
    return {}
