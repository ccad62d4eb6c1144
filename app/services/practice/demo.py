"""Demo practice runs, so a new user sees the loop at once: 王小雨 has a run waiting in 陈主管's
review queue and one signed off; 赵晴 has one returned for rework. Written through the same
services as the pages (PII guard, snapshots, reviews). Runs once: a demo employee who already
has runs is left alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import PracticeRun, SopModule, User
from app.models.base import utcnow
from app.services.practice import review, run_start, runs
from app.services.practice.rubric import rubric_of

SOP = "online-enquiry-to-first-visit"
EVIDENCE = {"text": {"evidence_text": "已按步骤完成，记录在案例备注中（演示数据）"},
            "number": {"evidence_number": "3"},
            "link": {"evidence_link": "http://crm.intranet/cases/demo"}}
# employee login, case code, what happened after hand-in, days ago
PLAN = [("employee", "CRM-2026-001201", "signed_off", 6),
        ("employee", "CRM-2026-001388", "waiting", 1),
        ("10005", "CRM-2026-001342", "returned", 2)]


def seed_demo_practice() -> int:
    """Create the demo runs (after `content sync` loaded the SOP); returns how many."""
    module = db.session.scalar(select(SopModule).where(SopModule.slug == SOP))
    supervisor = db.session.scalar(select(User).where(User.login == "supervisor"))
    if module is None or supervisor is None:
        return 0
    users = {login: db.session.scalar(select(User).where(User.login == login))
             for login in {plan[0] for plan in PLAN}}
    fresh = {login for login, user in users.items() if user is not None and not _has_runs(user)}
    made = 0
    for login, code, outcome, days in PLAN:
        if login not in fresh:
            continue
        user = users[login]
        now = utcnow() - timedelta(days=days)
        run = _handed_in(user, module, code, now)
        if outcome != "waiting":
            _decide(supervisor, run, outcome, now + timedelta(hours=3))
        made += 1
    return made


def _has_runs(user: User) -> bool:
    return bool(db.session.scalar(
        select(func.count(PracticeRun.id)).where(PracticeRun.user_id == user.id)))


def _handed_in(user: User, module: SopModule, code: str, now) -> PracticeRun:
    run = run_start.start_run(user, module, code, "线上咨询，客户关注术后恢复期（演示数据）",
                         now, now=now)
    for offset, (step, version_step) in enumerate(runs.paired_steps(run)):
        fields = EVIDENCE.get(version_step.evidence_type, {})
        runs.save_step(user, run, step.step_key,
                       runs.StepInput(done=True, **fields),
                       now=now + timedelta(minutes=10 * (offset + 1)))
    runs.submit_run(user, run, now=now + timedelta(hours=1))
    return run


def _decide(supervisor: User, run: PracticeRun, outcome: str, now) -> None:
    rubric_keys = [criterion.key for criterion in rubric_of(run.module)]
    if outcome == "signed_off":
        decision = review.Decision("signed_off", "", {key: 4 for key in rubric_keys})
    else:
        first = run.steps[0].step_key
        decision = review.Decision("returned", "首次回复没有确认客户从哪个渠道来，请补充。",
                                   {}, {first: "回复里要问清来源渠道，再打标签。"})
    review.review_run(supervisor, run, decision, now)
