"""Surveys for tests: a published survey of the given questions in one call, and answers
through the real service."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models.base import utcnow
from app.models.surveys import Survey
from app.services.surveys import answering, authoring
from tests.learning_factories import person

# (type, text, options, required)
EVERY_TYPE = [("single", "您从哪里得知本课程？", ["主管推荐", "自己找到"], True),
              ("multiple", "哪些部分有用？", ["话术", "流程", "案例"], False),
              ("rating", "课程整体评分", [], True),
              ("nps", "您会向同事推荐吗？", [], True),
              ("text", "还有什么建议？", [], False)]


def make_survey(questions=EVERY_TYPE, *, title: str = "课后问卷", anonymous: bool = True,
                publish: bool = True) -> Survey:
    survey = authoring.save_survey(person("trainer"), None,
                                   authoring.SurveyData(title, "", anonymous))
    for kind, text, options, required in questions:
        authoring.save_question(survey, None, authoring.QuestionData(kind, text, options,
                                                                     required))
    if publish:
        authoring.publish(survey)
    db.session.commit()
    return survey


def answer(survey: Survey, login: str, values: dict) -> None:
    """`values`: question index → value or list of values."""
    form = MultiDict()
    for index, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            form.add(f"q{survey.questions[index].id}", str(one))
    answering.submit(person(login), survey, form, utcnow())
    db.session.commit()
