"""A survey's results: per question counts, rating averages, the NPS score, text answers;
and the rows of its export. Constant statements whatever the number of answers.

An anonymous survey shows nothing until `MIN_ANSWERS` people answered (fewer could be told
apart); answers are listed in the order of their random keys, never in the order they came.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.surveys import Survey, SurveyAnswer, SurveyRespondent, SurveyResponse
from app.services.surveys.questions import TYPES

MIN_ANSWERS = 5


@dataclass
class QuestionResult:
    question: object
    answered: int = 0
    bars: list[tuple[str, int, int]] = field(default_factory=list)  # (label, count, percent)
    average: float | None = None
    nps: int | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def points(self) -> list[tuple[str, int]]:
        """(label with its count, percent) of each bar, for the chart."""
        return [(f"{label} ({count})", percent) for label, count, percent in self.bars]


def response_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count(SurveyResponse.id))
                             .where(SurveyResponse.survey_id == survey.id))


def visible(survey: Survey, count: int) -> bool:
    return not survey.anonymous or count >= MIN_ANSWERS


def _answers(survey: Survey):
    return db.session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.number,
               SurveyAnswer.choices, SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyAnswer.response_id)).all()


def _bars(labels: list[str], counts: Counter, total: int) -> list[tuple[str, int, int]]:
    return [(label, counts[i], round(100 * counts[i] / total) if total else 0)
            for i, label in enumerate(labels)]


def _summarise(result: QuestionResult, rows: list) -> None:
    question = result.question
    result.answered = len(rows)
    kind = TYPES[question.type]
    if question.type == "text":
        result.texts = [row.text for row in rows]
        return
    if kind.has_options:
        counts = Counter(i for row in rows for i in (row.choices or [row.number]))
        result.bars = _bars(question.options, counts, len(rows))
        return
    low, high = kind.scale
    numbers = [row.number for row in rows]
    counts = Counter(n - low for n in numbers)
    result.bars = _bars([str(n) for n in range(low, high + 1)], counts, len(rows))
    if numbers:
        result.average = round(sum(numbers) / len(numbers), 2)
        if question.type == "nps":
            promoters = sum(n >= 9 for n in numbers)
            detractors = sum(n <= 6 for n in numbers)
            result.nps = round(100 * (promoters - detractors) / len(numbers))


def survey_results(survey: Survey) -> tuple[int, list[QuestionResult] | None]:
    """(number of answers, per question results — None while hidden by the threshold)."""
    count = response_count(survey)
    if not visible(survey, count):
        return count, None
    by_question: dict[int, list] = {}
    for row in _answers(survey):
        by_question.setdefault(row.question_id, []).append(row)
    results = [QuestionResult(q) for q in survey.questions]
    for result in results:
        _summarise(result, by_question.get(result.question.id, []))
    return count, results


def _cell(question, row) -> str | int | None:
    if row is None:
        return None
    if question.type == "single":
        return question.options[row.number]
    if question.type == "multiple":
        return "；".join(question.options[i] for i in row.choices or [])
    return row.text if question.type == "text" else row.number


def export_rows(survey: Survey) -> tuple[list[str], list[list]]:
    """(headers, one row per response): the person's name first for a survey that is not
    anonymous. Empty while the threshold hides the results."""
    questions = list(survey.questions)
    named = not survey.anonymous
    headers = ([str(_l("Name"))] if named else []) + [q.text for q in questions]
    if not visible(survey, response_count(survey)):
        return headers, []
    names = {} if not named else dict(db.session.execute(
        select(SurveyRespondent.response_id, User.name)
        .join(User, User.id == SurveyRespondent.user_id)
        .join(SurveyResponse, SurveyResponse.id == SurveyRespondent.response_id)
        .where(SurveyResponse.survey_id == survey.id)).all())
    responses: dict[str, dict[int, object]] = {}
    for row in _answers(survey):
        responses.setdefault(row.response_id, {})[row.question_id] = row
    rows = [([names.get(key, "")] if named else [])
            + [_cell(q, answers.get(q.id)) for q in questions]
            for key, answers in responses.items()]
    return headers, rows
