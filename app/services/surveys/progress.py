"""A survey's progress for the item registry, and what 我的任务 adds to a survey task.

Progress reads `SurveyCompletion` only — who has answered — never an answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import literal, select

from app.models import User
from app.models.surveys import SurveyCompletion
from app.services.sql_hints import among


def survey_progress(user_filter=None):
    """(user_id, item_id=survey_id, started, done, done_at, failed): answering is done."""
    query = select(SurveyCompletion.user_id, SurveyCompletion.survey_id.label("item_id"),
                   literal(1).label("started"), literal(1).label("done"),
                   SurveyCompletion.completed_at.label("done_at"), literal(0).label("failed"))
    if user_filter is not None:
        query = query.where(among(SurveyCompletion.user_id, user_filter))
    return query.subquery("survey_progress")


def survey_details(user: User, tasks: list, now: datetime) -> None:
    """Whether the survey still takes answers (no statement: the task holds the survey)."""
    for task in tasks:
        task.closed = task.item is not None and task.item.state == "closed"
