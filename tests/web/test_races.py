"""What two devices, two app servers or a double tap do at the same moment (on SQLite and on
PostgreSQL alike): an answer racing 交卷 is either counted or refused with 409 已交卷, never
stored after the grading; 开始 and 开始实操 pressed twice land on one attempt / one run; two
graders at once finish the attempt; a draft started twice can be deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AttemptQuestion, PracticeRun, QuizAttempt
from app.models.attempts import WrongQuestion
from app.models.base import utcnow
from app.services.quiz import attempts as quiz_attempts
from tests.learning_factories import person
from tests.practice_factories import make_practice_sop, make_run
from tests.quiz_factories import make_quiz, short_answer, single, true_false
from tests.races import held_until_done, pause_before_write, race, signed_in, together
from tests.web.quiz_web_helpers import JSON, RIGHT, fresh, start, submit

SUBMITTED = "已交卷"
REPEATS = 20


@pytest.fixture
def devices(app, demo):
    """The employee signed in on a phone and on a laptop (two sessions)."""
    return signed_in(app, "employee"), signed_in(app, "employee")


# ---- 开始 twice -------------------------------------------------------------------------------

def test_start_pressed_twice_at_once_lands_both_on_one_attempt(app, devices):
    quiz = make_quiz([single(), true_false()], slug="twice", max_attempts=2)
    phone, laptop = devices
    submit(phone, start(phone, "twice"))  # attempt 1 is done: the race is for number 2
    with pause_before_write(together(), "quiz_attempts"):  # both checked, both insert
        responses = race(app, *(lambda c=c: c.post("/learn/quizzes/twice/start")
                                for c in devices))
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id)
                                  .order_by(QuizAttempt.number)).all()
    assert [(a.number, a.state) for a in attempts] == [(1, "finished"), (2, "in_progress")]
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.location for r in responses} == {f"/learn/attempts/{attempts[1].id}"}
    assert len(attempts[1].questions) == 2
    for client in devices:
        assert client.get(f"/learn/attempts/{attempts[1].id}").status_code == 200


def test_the_wrong_question_book_round_started_twice_is_one_round(app, devices):
    phone, _laptop = devices
    make_quiz([single(), true_false(answer=False)], slug="book")
    attempt_id = start(phone, "book")
    phone.post(f"/learn/attempts/{attempt_id}/answer", data={"position": "0", "response": "0"})
    submit(phone, attempt_id)
    assert db.session.scalar(select(func.count(WrongQuestion.id))) == 1
    with pause_before_write(together(), "quiz_attempts"):
        responses = race(app, *(lambda c=c: c.post("/learn/wrong-book/practice")
                                for c in devices))
    rounds = db.session.scalars(select(QuizAttempt).where(QuizAttempt.mode == "wrong_book")
                                ).all()
    assert len(rounds) == 1 and len(rounds[0].questions) == 1
    assert {r.location for r in responses} == {f"/learn/attempts/{rounds[0].id}"}


# ---- an answer racing 交卷 ---------------------------------------------------------------------

def _first_review_item(page: str) -> str:
    return page.split('data-testid="review-item"')[1]


def _agrees(client, attempt_id: int, saved: bool) -> None:
    """The stored answer, its grade, the score and the result page tell the same story:
    the answer counts exactly when the autosave was told it was saved."""
    attempt = fresh(attempt_id)
    row = attempt.questions[0]
    assert attempt.state == "finished"
    assert (row.response, row.fraction) == ((1, 1.0) if saved else (None, 0.0))
    assert attempt.score == (1.0 if saved else 0.0)
    item = _first_review_item(client.get(f"/learn/attempts/{attempt_id}").text)
    assert ('data-outcome="right"' in item) is saved
    assert ('data-testid="not-answered"' in item) is not saved


def _answer_json(client, attempt_id):
    return client.post(f"/learn/attempts/{attempt_id}/answer", headers=JSON,
                       data={"position": "0", **RIGHT["single_choice"]})


def _saved(response) -> bool:
    """200 saved, or 409 已交卷; anything else fails the test."""
    if response.status_code == 409:
        assert SUBMITTED in response.json["error"] and response.json["redirect"]
        return False
    assert response.status_code == 200 and response.json["saved"] is True, response.text
    return True


def test_autosave_racing_submit_is_counted_or_refused_never_stored_after(app, devices):
    make_quiz([single(), true_false()], slug="racy")
    phone, laptop = devices
    outcomes: list[bool] = []
    for _ in range(REPEATS):
        attempt_id = start(phone, "racy")
        saved, handed_in = race(app, lambda a=attempt_id: _answer_json(phone, a),
                                lambda a=attempt_id: submit(laptop, a))
        assert handed_in.status_code == 302
        outcomes.append(_saved(saved))
        _agrees(phone, attempt_id, outcomes[-1])
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == REPEATS


def test_two_autosaves_of_one_attempt_at_once_are_both_stored_and_counted(app, devices):
    """Phone and laptop save two questions of one exam at the same moment: both reached
    their first write (the claim) having read the attempt; one waits for the other's
    commit. Both answers are stored and the second reply counts the first one's answer
    (the progress bar of quiz.js), whichever came second."""
    make_quiz([single(), true_false(), single(stem="第三题")], slug="both", mode="exam")
    phone, laptop = devices
    for _ in range(3):
        attempt_id = start(phone, "both")
        with pause_before_write(together(), "quiz_attempts"):
            replies = race(app, *(lambda c=c, p=p, a=attempt_id: c.post(
                f"/learn/attempts/{a}/answer", headers=JSON,
                data={"position": str(p), "response": "1" if p == 0 else "false"})
                for c, p in ((phone, 0), (laptop, 1))))
        assert [r.status_code for r in replies] == [200, 200]
        assert sorted(r.json["answered"] for r in replies) == [1, 2]
        assert {r.json["total"] for r in replies} == {3}
        assert [row.response for row in fresh(attempt_id).questions] == [1, False, None]
        submit(phone, attempt_id)


def test_an_autosave_that_read_the_attempt_before_submit_committed_is_refused(app, devices):
    """The autosave has loaded the open attempt; 交卷 on the laptop commits; only then does
    the autosave write: it must find the attempt handed in (409) and store nothing."""
    make_quiz([single(), true_false()], slug="late")
    phone, laptop = devices
    attempt_id = start(phone, "late")
    saved, handed_in = held_until_done(app, lambda: _answer_json(phone, attempt_id),
                                       lambda: submit(laptop, attempt_id))
    assert handed_in.status_code == 302 and saved.status_code == 409
    assert SUBMITTED in saved.json["error"]
    _agrees(phone, attempt_id, saved=False)
    page = phone.get(f"/learn/attempts/{attempt_id}").text
    assert 'data-testid="attempt-result"' in page


def test_a_submit_that_read_the_answers_before_an_autosave_committed_grades_it(app, devices):
    """交卷 has loaded the answers (none yet); the autosave commits; then 交卷 grades: the
    answer it grades is the one stored, and the result page says so."""
    make_quiz([single(), true_false()], slug="stale")
    phone, laptop = devices
    attempt_id = start(phone, "stale")
    handed_in, saved = held_until_done(app, lambda: submit(laptop, attempt_id),
                                       lambda: _answer_json(phone, attempt_id))
    assert handed_in.status_code == 302 and _saved(saved)
    _agrees(phone, attempt_id, saved=True)


def test_a_form_post_after_submit_is_told_and_sent_to_the_result(app, devices):
    make_quiz([single(), true_false()], slug="form")
    phone, laptop = devices
    attempt_id = start(phone, "form")
    submit(laptop, attempt_id)
    response = phone.post(f"/learn/attempts/{attempt_id}/answer",
                          data={"position": "0", "go": "next", **RIGHT["single_choice"]})
    assert response.status_code == 302 and response.location == f"/learn/attempts/{attempt_id}"
    assert SUBMITTED in phone.get(response.location).text
    assert fresh(attempt_id).questions[0].response is None


def test_an_answer_after_the_deadline_racing_the_expiry_run_is_refused(app, devices):
    """The attempt's time ran out; the phone's last autosave and the expiry run (cron, or
    another server opening the page) both try to hand it in: it is handed in once, with what
    was saved before the deadline, and the phone is told 时间到 (409)."""
    quiz = make_quiz([single(), true_false()], slug="timed", time_limit_minutes=10)
    attempt = quiz_attempts.start(quiz, person("employee"), utcnow() - timedelta(minutes=30))
    db.session.commit()
    attempt_id = attempt.id

    def expiry_run():
        count = quiz_attempts.expire_overdue_attempts(utcnow())
        db.session.commit()
        return count

    with pause_before_write(together(), "quiz_attempts"):  # both claim it at once
        saved, expired = race(app, lambda: _answer_json(devices[0], attempt_id), expiry_run)
    assert saved.status_code == 409 and "时间到" in saved.json["error"] and expired == 1
    handed_in = fresh(attempt_id)
    assert handed_in.state == "finished" and handed_in.auto_submitted
    assert handed_in.questions[0].response is None and handed_in.score == 0.0


# ---- two graders ------------------------------------------------------------------------------

def test_two_graders_of_two_answers_at_once_finish_the_attempt(app, demo):
    make_quiz([short_answer(), short_answer(stem="第二题：客户说要考虑一下。")], slug="essay")
    employee = signed_in(app, "employee")
    attempt_id = start(employee, "essay")
    for position in (0, 1):
        employee.post(f"/learn/attempts/{attempt_id}/answer",
                      data={"position": str(position), **RIGHT["short_answer"]})
    submit(employee, attempt_id)
    answers = db.session.scalars(select(AttemptQuestion.id).where(
        AttemptQuestion.attempt_id == attempt_id).order_by(AttemptQuestion.rank)).all()
    graders = signed_in(app, "trainer"), signed_in(app, "admin")
    with pause_before_write(together()):  # both read "the other one waits"
        responses = race(app, *(lambda c=c, a=a: c.post(f"/grading/answers/{a}",
                                                         data={"points": "1"})
                                for c, a in zip(graders, answers, strict=True)))
    assert all(r.status_code in (200, 302) for r in responses), [r.status_code for r in responses]
    attempt = fresh(attempt_id)
    assert attempt.state == "finished" and attempt.score == 2.0
    assert all(not row.needs_review for row in attempt.questions)


# ---- 开始实操 twice -----------------------------------------------------------------------------

def test_start_run_pressed_twice_at_once_lands_both_on_one_run(app, devices):
    make_practice_sop()
    data = {"case_code": "CRM-2026-000777", "context": "首次到院", "case_at": ""}
    with pause_before_write(together(), "practice_runs"):
        responses = race(app, *(lambda c=c: c.post("/practice/start/practice-sop", data=data)
                                for c in devices))
    runs = db.session.scalars(select(PracticeRun)).all()
    assert len(runs) == 1 and len(runs[0].steps) > 0
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.location.split("#")[0] for r in responses} == {f"/practice/runs/{runs[0].id}"}
    pages = [client.get(f"/practice/runs/{runs[0].id}").text for client in devices]
    assert sum("实操已开始" in page for page in pages) == 1
    assert sum("CRM-2026-000777 已有进行中的实操" in page for page in pages) == 1


def test_a_second_draft_of_the_same_case_from_old_data_can_be_deleted(app, devices):
    """Before the unique index, a double tap left two drafts (the migration renames the
    extra's case code); its owner deletes it, history and others' drafts stay."""
    phone, _laptop = devices
    kept = make_run(case_code="CRM-2026-000888")
    extra = make_run(module=kept.module, case_code="CRM-2026-000888 #2")
    handed_in = make_run(module=kept.module, status="submitted", case_code="CRM-2026-000889")
    index = phone.get("/practice/").text
    assert index.count('data-testid="delete-draft"') == 2  # drafts only
    response = phone.post(f"/practice/runs/{extra.id}/delete")
    assert response.status_code == 302 and response.location == "/practice/"
    assert "草稿已删除" in phone.get("/practice/").text
    assert phone.post(f"/practice/runs/{handed_in.id}/delete").status_code == 302
    remaining = db.session.scalars(select(PracticeRun.id).order_by(PracticeRun.id)).all()
    assert remaining == [kept.id, handed_in.id]
    stranger = signed_in(app, "supervisor")
    assert stranger.post(f"/practice/runs/{kept.id}/delete").status_code == 404
    assert db.session.get(PracticeRun, kept.id) is not None
