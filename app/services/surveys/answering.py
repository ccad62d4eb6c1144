"""Answering a survey: which surveys a learner may open, and sending one's answers.

One answer per person: the completion row (unique per survey and person) is claimed first;
a second send — another tab, a double tap — is refused with a sentence. For an anonymous
survey the response written next to it has no user, no time and a random key, and its
answers are added in a shuffled order (docs/surveys.md says what this does and does not hide).
"""

from __future__ import annotations

import random
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User
from app.models.surveys import (
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyRespondent,
    SurveyResponse,
    random_key,
)
from app.services.errors import DomainError
from app.services.surveys.questions import read_answers


class InvalidAnswers(DomainError):
    """Some questions are unanswered or wrongly answered: `errors` maps question id → why."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_l("Some answers need attention: see the questions marked below."))
        self.errors = errors


def find_survey(user: User, slug: str) -> Survey | None:
    """A survey a learner may open: published or closed (a closed one only says so)."""
    return db.session.scalar(select(Survey).where(
        Survey.slug == slug, Survey.state != "draft", Survey.archived.is_(False)))


def has_answered(user: User, survey: Survey) -> bool:
    return db.session.scalar(select(SurveyCompletion.id).where(
        SurveyCompletion.survey_id == survey.id, SurveyCompletion.user_id == user.id)) is not None


def submit(user: User, survey: Survey, form, now: datetime) -> None:
    """Record the user's answers (module doc). Raises DomainError / InvalidAnswers."""
    if survey.state != "published":
        raise DomainError(_l("This survey is closed: it takes no more answers."))
    answers, errors = read_answers(survey.questions, form)
    if errors:
        raise InvalidAnswers(errors)
    _claim(user, survey, now)
    response = SurveyResponse(id=random_key(), survey_id=survey.id)
    rows = [SurveyAnswer(question_id=question.id, **fields) for question, fields in answers]
    random.SystemRandom().shuffle(rows)
    response.answers = rows
    db.session.add(response)
    db.session.flush()
    if not survey.anonymous:
        db.session.add(SurveyRespondent(response_id=response.id, user_id=user.id))
        db.session.flush()


def _claim(user: User, survey: Survey, now: datetime) -> None:
    """The completion row first: a second answer by the same person is refused."""
    try:
        with db.session.begin_nested():
            db.session.add(SurveyCompletion(survey_id=survey.id, user_id=user.id,
                                            completed_at=now))
    except IntegrityError:
        raise DomainError(_l("You have already answered this survey.")) from None
