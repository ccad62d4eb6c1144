"""A trainer builds a survey: settings, questions (add, edit, reorder, delete) while it is a
draft; publishing opens it for answers, closing ends them (one event point: `events`).

Questions are frozen once the survey is published, so every answer was given to the
questions the results show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.extensions import db
from app.models import User
from app.models.surveys import Survey, SurveyQuestion
from app.services.content.slugs import unique_slug
from app.services.errors import DomainError
from app.services.privacy import refuse_pii
from app.services.surveys import events
from app.services.surveys.questions import TYPES

OPTION_LIMIT = 20


@dataclass
class SurveyData:
    title: str
    description: str = ""
    anonymous: bool = True


@dataclass
class QuestionData:
    type: str
    text: str
    options: list[str] = field(default_factory=list)
    required: bool = True


def save_survey(actor: User, survey: Survey | None, data: SurveyData) -> Survey:
    title = data.title.strip()
    if not title:
        raise DomainError(_l("Give the survey a title."), "title")
    refuse_pii(title, field="title", label=_l("Title"))
    refuse_pii(data.description, field="description", label=_l("Description"))
    if survey is None:
        survey = Survey(slug=unique_slug(Survey, title, "survey"), created_by_id=actor.id,
                        state="draft")
        db.session.add(survey)
    survey.title, survey.description = title, data.description.strip()
    if survey.state == "draft":  # published answers keep the anonymity they were given under
        survey.anonymous = data.anonymous
    db.session.flush()
    return survey


def _editable(survey: Survey) -> None:
    if survey.state != "draft":
        raise DomainError(_l("The questions of a published survey cannot change."))


def _clean(data: QuestionData) -> QuestionData:
    kind = TYPES.get(data.type)
    if kind is None:
        raise DomainError(_l("Choose a question type."), "type")
    text = data.text.strip()
    if not text:
        raise DomainError(_l("Write the question."), "text")
    refuse_pii(text, field="text", label=_l("Question"))
    options = [o.strip() for o in data.options if o.strip()] if kind.has_options else []
    if kind.has_options and not 2 <= len(options) <= OPTION_LIMIT:
        raise DomainError(_l("Give between 2 and %(max)d options, one per line.",
                             max=OPTION_LIMIT), "options")
    for option in options:
        refuse_pii(option, field="options", label=_l("Options"))
    return QuestionData(data.type, text, options, data.required)


def save_question(survey: Survey, question: SurveyQuestion | None,
                  data: QuestionData) -> SurveyQuestion:
    _editable(survey)
    data = _clean(data)
    if question is None:
        rank = max((q.rank for q in survey.questions), default=-1) + 1
        question = SurveyQuestion(rank=rank)
        survey.questions.append(question)
    question.type, question.text = data.type, data.text
    question.options, question.required = data.options, data.required
    db.session.flush()
    return question


def move_question(question: SurveyQuestion, direction: str) -> None:
    survey = question.survey
    _editable(survey)
    if direction not in ("up", "down"):
        return
    ordered = list(survey.questions)
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for rank, row in enumerate(ordered):
        row.rank = rank
    db.session.flush()


def delete_question(question: SurveyQuestion) -> None:
    _editable(question.survey)
    question.survey.questions.remove(question)
    db.session.flush()


def publish(survey: Survey) -> None:
    """Open the survey for answers."""
    if not survey.questions:
        raise DomainError(_l("Add at least one question before publishing."))
    _switch(survey, "draft", "published", _l("This survey is already published."))


def close(actor: User, survey: Survey, now: datetime) -> None:
    """No more answers. Fires the "survey closed" event, once per survey."""
    _switch(survey, "published", "closed", _l("Only a survey taking answers can be closed."))
    events.survey_closed(actor, survey, now)


def _switch(survey: Survey, before: str, after: str, refusal) -> None:
    """Claimed by a conditional UPDATE: two trainers pressing at once change it once, the
    other is told why not."""
    done = db.session.execute(update(Survey).where(Survey.id == survey.id,
                                                   Survey.state == before)
                              .values(state=after)).rowcount
    db.session.refresh(survey)
    if not done:
        raise DomainError(refusal)
