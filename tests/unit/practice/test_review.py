"""The review service: decisions, scores, comments, the PII guard, scope, double decisions,
history, notifications and the queue."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import PracticeRun, RunReview
from app.models.assignments import Notification
from app.models.base import utcnow
from app.services.errors import DomainError, NotFound
from app.services.practice import review, review_queue
from app.services.practice.review import Decision
from tests.learning_factories import person
from tests.practice_factories import make_practice_sop, make_run
from tests.review_helpers import FULL_SCORES, decide, other_supervisor, rework


@pytest.fixture
def submitted(demo) -> PracticeRun:
    return make_run("employee", status="submitted")


def _refused(run, reviewer="supervisor", decision="signed_off", **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        decide(run, reviewer, decision, **kwargs)
    db.session.rollback()
    return refused.value


def test_return_needs_a_reason(submitted):
    for reason in ("", "   \n "):
        assert _refused(submitted, decision="returned", reason=reason).field == "reason"
    assert _refused(submitted, decision="maybe").field == "decision"
    assert db.session.scalar(select(func.count(RunReview.id))) == 0


@pytest.mark.parametrize("scores", [
    {}, {"accuracy": 4, "timeliness": 5}, {**FULL_SCORES, "accuracy": 0},
    {**FULL_SCORES, "accuracy": 6}, {**FULL_SCORES, "accuracy": "x"},
    {**FULL_SCORES, "accuracy": "4.5"}, {**FULL_SCORES, "精神面貌": 3},
])
def test_sign_off_needs_every_criterion_scored_1_to_5(submitted, scores):
    assert _refused(submitted, scores=scores).field == "scores"
    assert db.session.get(PracticeRun, submitted.id).status == "submitted"


def test_a_return_may_leave_scores_out_but_checks_those_given(submitted):
    assert _refused(submitted, decision="returned", reason="重做",
                    scores={"accuracy": 9}).field == "scores"
    done = decide(submitted, "supervisor", "returned", reason="重做", scores={"accuracy": "2"})
    assert done.scores == {"accuracy": 2}


def test_return_reopens_the_run_for_the_next_round_and_tells_the_employee(submitted):
    done = decide(submitted, "supervisor", "returned", reason="回访缺少复查提醒",
                  comments={"first-visit": "请补充复查时间", "survey": "  "},
                  url="/practice/runs/1")
    run = db.session.get(PracticeRun, submitted.id)
    assert (run.status, run.round, run.submitted_at) == ("returned", 2, None)
    assert (done.decision, done.round, done.reviewer_id) == ("returned", 1, person("supervisor").id)
    assert {c.step_key: c.comment for c in done.comments} == {"first-visit": "请补充复查时间"}
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == run.user_id, Notification.kind == "returned"))
    assert notice.url == "/practice/runs/1" and notice.params["title"] == "实操演练SOP"


def test_rework_then_sign_off_keeps_every_round(submitted):
    decide(submitted, "supervisor", "returned", reason="重做", comments={"survey": "链接打不开"})
    rework(submitted, note="第二轮的备注")
    decide(submitted, "supervisor", "signed_off", scores=FULL_SCORES)
    run = db.session.get(PracticeRun, submitted.id)
    assert run.status == "signed_off" and run.signed_off_at is not None and run.round == 2
    rounds = review_queue.run_history(run)
    assert [(r.number, r.review.decision) for r in rounds] == [(1, "returned"), (2, "signed_off")]
    assert rounds[0].comments == {"survey": "链接打不开"} and rounds[1].review.scores == FULL_SCORES
    assert rounds[0].steps[0]["note"] == "已完成" and rounds[1].steps[0]["note"] == "第二轮的备注"
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "signed_off")) == 1


def test_a_second_decision_is_refused_and_names_the_first_reviewer(submitted):
    decide(submitted, "admin", "signed_off")
    refused = _refused(submitted, decision="returned", reason="晚了")
    assert "系统管理员" in str(refused)
    assert db.session.scalar(select(func.count(RunReview.id))) == 1


def test_two_reviewers_at_once_make_exactly_one_review(app, submitted):
    """Both pass the checks, then race for the run: one wins, the other is told who won."""
    run_id, barrier, outcomes = submitted.id, threading.Barrier(2, timeout=10), []
    claim = review._claim

    def waiting_claim(*args):
        barrier.wait()
        return claim(*args)

    def reviewer(login: str, decision: str) -> None:
        with app.app_context():
            try:
                run = db.session.get(PracticeRun, run_id)
                review.review_run(person(login), run,
                                  Decision(decision, "理由", FULL_SCORES), utcnow())
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    review._claim = waiting_claim
    try:
        threads = [threading.Thread(target=reviewer, args=args)
                   for args in (("supervisor", "signed_off"), ("admin", "returned"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        review._claim = claim
    db.session.expire_all()
    assert sorted(outcomes, key=len)[0] == "ok" and outcomes.count("ok") == 1, outcomes
    winner = db.session.scalar(select(RunReview).where(RunReview.run_id == run_id)).reviewer
    assert f"已由 {winner.name} 审核" in [o for o in outcomes if o != "ok"][0]
    assert db.session.scalar(select(func.count(RunReview.id))) == 1


def test_comments_only_on_the_runs_steps_and_never_client_numbers(submitted):
    assert _refused(submitted, comments={"no-such-step": "?"}).field == "comments"
    phone = _refused(submitted, comments={"survey": "客户电话 138 1234 5678"})
    assert phone.field == "comments" and "发送满意度问卷" in str(phone)
    assert _refused(submitted, decision="returned",
                    reason="身份证 11010519491231002X").field == "reason"
    assert _refused(submitted, comments={"survey": "x" * 2001}).field == "comments"


def test_scope_supervisor_of_another_department_cannot_review(submitted):
    outsider = other_supervisor()
    with pytest.raises(NotFound):
        review.review_run(outsider, submitted, Decision("signed_off", "", FULL_SCORES),
                          utcnow())
    with pytest.raises(NotFound):
        review_queue.load_run(outsider, submitted.id)
    assert review_queue.waiting_count(outsider) == 0
    with pytest.raises(NotFound):  # no VIEW_TEAM
        decide(submitted, "10005", "signed_off")


def test_nobody_reviews_their_own_run_but_the_admin_reviews_anyone(demo):
    module = make_practice_sop("own-run")
    own = make_run("supervisor", module, status="submitted")  # in a department they lead
    with pytest.raises(NotFound):
        decide(own, "supervisor", "signed_off")
    db.session.rollback()
    assert decide(own, "admin", "signed_off").decision == "signed_off"


def test_only_submitted_runs_can_be_reviewed(demo):
    runs = {status: make_run("employee", status=status) for status in ("draft", "returned")}
    assert "不在待审核状态" in str(_refused(runs["draft"]))
    assert "陈主管" in str(_refused(runs["returned"]))


def test_queue_is_the_submitted_runs_in_scope_oldest_first(demo):
    module = make_practice_sop("queue-sop")
    now = utcnow()
    newer = make_run("10005", module, status="submitted", now=now - timedelta(hours=1))
    older = make_run("employee", module, status="submitted", now=now - timedelta(days=2))
    make_run("employee", module, status="draft")
    make_run("10012", module, status="submitted")  # 美容皮肤科: not the supervisor's
    page = review_queue.review_queue(person("supervisor"))
    assert [r.id for r in page.items] == [older.id, newer.id] and page.total == 2
    assert review_queue.waiting_count(person("supervisor")) == 2
    assert review_queue.waiting_count(person("admin")) == 3
    assert review_queue.waiting_count(person("employee")) == 0
