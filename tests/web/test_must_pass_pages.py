"""Must-pass questions on the pages: the trainer ticks 必过题 on a fixed question, and the
result page tells a learner who failed one which question sank the exam, in Chinese."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import QuizItem
from tests.quiz_factories import make_quiz, single
from tests.web.quiz_helpers import shown
from tests.web.quiz_web_helpers import RIGHT, WRONG, answer, fresh, start, submit


@pytest.fixture
def must_pass_quiz(demo):
    quiz = make_quiz([single(stem="客户要求把术前术后对比照发朋友圈，可以吗？"),
                      single(stem="第二题"), single(stem="第三题")],
                     slug="compliance", pass_percent=60)
    quiz.items[0].must_pass = True
    db.session.commit()
    return quiz


def _take(client, answers: list[dict]) -> int:
    attempt_id = start(client, "compliance")
    for position, fields in enumerate(answers):
        answer(client, attempt_id, position, fields)
    submit(client, attempt_id)
    return attempt_id


def test_the_result_names_the_failed_must_pass_question_in_chinese(client, auth,
                                                                  must_pass_quiz):
    auth.as_role("employee")
    attempt_id = _take(client, [WRONG["single_choice"], RIGHT["single_choice"],
                                RIGHT["single_choice"]])
    page = client.get(f"/learn/attempts/{attempt_id}").text
    assert fresh(attempt_id).passed is False  # 67 % would pass without the rule
    assert "未通过：有必过题没有完全答对" in page
    assert shown("Question %(n)d: %(stem)s", n=1,
                 stem="客户要求把术前术后对比照发朋友圈，可以吗？") in page


def test_a_learner_who_gets_the_must_pass_question_right_sees_no_warning(client, auth,
                                                                        must_pass_quiz):
    auth.as_role("employee")
    attempt_id = _take(client, [RIGHT["single_choice"], WRONG["single_choice"],
                                RIGHT["single_choice"]])
    page = client.get(f"/learn/attempts/{attempt_id}").text
    assert fresh(attempt_id).passed is True
    assert 'data-testid="must-pass-failed"' not in page


def test_the_trainer_ticks_and_unticks_must_pass_on_a_fixed_question(client, auth,
                                                                    must_pass_quiz):
    auth.as_role("trainer")
    second = must_pass_quiz.items[1]
    page = client.get(f"/manage/quizzes/{must_pass_quiz.id}").text
    assert "必过题（答错则考试不通过）" in page
    client.post(f"/manage/quiz-items/{second.id}/points", data={"must_pass": "y"})
    db.session.expire_all()
    assert db.session.get(QuizItem, second.id).must_pass is True
    client.post(f"/manage/quiz-items/{second.id}/points", data={"points": "2"})
    db.session.expire_all()
    item = db.session.get(QuizItem, second.id)
    assert (item.must_pass, item.points) == (False, 2.0)
