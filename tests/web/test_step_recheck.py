"""Issue 19: after an SOP version that requires re-acknowledgement, the learner answers only
the quiz questions attached to the steps that changed, and must pass them to confirm."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Acknowledgement, QuizAttempt, WebhookEvent
from app.models.base import utcnow
from app.services.webhooks.endpoints import create_endpoint
from tests.learning_factories import make_sop, person, republish_sop
from tests.quiz_factories import make_quiz, single
from tests.web.quiz_web_helpers import RIGHT, WRONG, answer, fresh, start, submit

STEPS = [{"key": "greet", "title": "问候客户", "instructions": "微笑问候"},
         {"key": "record", "title": "登记案例编号", "instructions": "只写编号"}]


def _take(client, attempt_id: int, count: int, fields=RIGHT["single_choice"]) -> None:
    for position in range(count):
        answer(client, attempt_id, position, fields)
    submit(client, attempt_id)


def _stems(attempt_id: int) -> list[str]:
    return [row.version.data["stem"] for row in fresh(attempt_id).questions]


def test_only_the_changed_steps_questions_are_asked_again_and_gate_the_confirmation(
        client, auth, demo):
    module = make_sop("recheck-sop", STEPS)
    quiz = make_quiz([single(stem=stem) for stem in ("编号题一", "编号题二", "问候题", "总题")],
                     sop_module_id=module.id)
    create_endpoint(person("admin"), "http://127.0.0.1:9/hook", ["attempt.graded"], "",
                    utcnow())
    auth.as_role("trainer")  # the trainer attaches questions to steps on the quiz's page
    assert 'data-testid="item-step"' in client.get(f"/manage/quizzes/{quiz.id}").text
    items = [item.id for item in quiz.items]
    for item_id, step in zip(items, ["record", "record", "greet", "nope"], strict=True):
        client.post(f"/manage/quiz-items/{item_id}/points", data={"step": step})
    db.session.expire_all()
    assert [item.step_key for item in quiz.items] == ["record", "record", "greet", None]
    auth.logout()
    auth.as_role("employee")
    page = client.get(f"/learn/sop/{module.slug}").text
    assert 'data-testid="recheck-box"' not in page  # a first-time reader: the whole quiz
    first = start(client, quiz.slug)
    assert len(_stems(first)) == 4
    _take(client, first, 4)
    client.post(f"/learn/sop/{module.slug}/acknowledge", data={"version": "1"})

    republish_sop(module, [STEPS[0], dict(STEPS[1], instructions="只写编号，不写姓名")],
                  "隐私要求更新", requires_reack=True)
    page = client.get(f"/learn/sop/{module.slug}").text
    assert 'data-testid="recheck-box"' in page and 'data-testid="acknowledge"' not in page
    assert "2" in re.search(r'recheck-box">(.*?)</form>', page, re.S).group(1)
    refused = client.post(f"/learn/sop/{module.slug}/acknowledge", data={"version": "2"},
                          follow_redirects=True)
    assert "pass" in refused.text.lower() or "通过" in refused.text
    assert _acknowledged(module) == [1]

    started = client.post(f"/learn/sop/{module.slug}/recheck")
    failed = int(started.location.rsplit("/", 1)[1])
    assert _stems(failed) == ["编号题一", "编号题二"]  # not the greeting's, not the general one
    assert client.post(f"/learn/sop/{module.slug}/recheck").location == started.location
    _take(client, failed, 2, WRONG["single_choice"])
    page = client.get(f"/learn/sop/{module.slug}").text
    assert 'data-testid="recheck-failed"' in page and 'data-testid="acknowledge"' not in page

    again = client.post(f"/learn/sop/{module.slug}/recheck").location  # retried at once
    recheck = int(again.rsplit("/", 1)[1])
    assert recheck != failed and len(_stems(recheck)) == 2
    _take(client, recheck, 2)
    result = client.get(f"/learn/attempts/{recheck}").text
    assert 'data-testid="recheck-back"' in result
    assert fresh(recheck).passed is True and fresh(first).quiz_id == quiz.id
    assert _quiz_attempts(quiz) == 1  # the re-check is no attempt of the quiz

    page = client.get(f"/learn/sop/{module.slug}").text
    assert 'data-testid="recheck-passed"' in page
    client.post(f"/learn/sop/{module.slug}/acknowledge", data={"version": "2"})
    assert _acknowledged(module) == [1, 2]
    assert 'data-testid="ack-done"' in client.get(f"/learn/sop/{module.slug}").text
    graded = db.session.scalars(select(WebhookEvent).where(
        WebhookEvent.type == "attempt.graded")).all()
    assert [e.payload["attempt_id"] for e in graded] == [first]  # a re-check announces nothing


def _acknowledged(module) -> list[int]:
    from app.models import SopVersion

    return sorted(db.session.scalars(
        select(SopVersion.number).join(Acknowledgement, Acknowledgement.version_id == SopVersion.id)
        .where(Acknowledgement.module_id == module.id,
               Acknowledgement.user_id == person("employee").id)))


def _quiz_attempts(quiz) -> int:
    return len(db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id))
               .all())
