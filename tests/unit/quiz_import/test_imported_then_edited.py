"""Questions only Moodle-style GIFT can express (a half-right single-choice option, a numerical
"any other number" answer) survive the trainer's edit form unchanged."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.quiz import QuestionVersion
from app.services.quiz import question_lines as ql
from app.services.quiz.banks import import_questions
from app.services.quiz.data import QuestionData
from app.services.quiz.question_input import build_question, question_input

GIFT = ("::q1:: 术后红肿怎么办？{=完全正确 ~%50%部分正确#接近了 ~错误}\n\n"
        "::q2:: 3 加 0 等于几？{#3:2 ~#完全不对}\n\n::q3:: 几周？{#=16 =%20%*#再想想}\n")


def test_moodle_only_constructs_round_trip_through_the_form(app):
    report = import_questions("moodle", "q.gift", GIFT.encode(), None, dry_run=False)
    assert report.errors == [] and report.imported == 3
    for version in db.session.scalars(select(QuestionVersion)):
        data = QuestionData.from_dict(version.data)
        assert build_question(question_input(data, data.category)).to_dict() == version.data


def test_any_other_number_line_in_the_form():
    answers = ql.parse_numerical_answers("3±2\n其他 # 完全不对")
    assert answers[1] == {"value": None, "tolerance": None, "min": None, "max": None,
                          "fraction": 0.0, "feedback": "完全不对"}
    assert ql.format_numerical_answers(answers) == "3±2\n* # 完全不对"
