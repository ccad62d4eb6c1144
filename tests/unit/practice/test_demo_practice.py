"""The demo's practice runs: one waiting in the demo supervisor's queue, one signed off, one
returned — made once, through the same services as the pages."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import PracticeRun, User
from app.services.practice.demo import SOP, seed_demo_practice
from app.services.practice.review_queue import review_queue
from tests.practice_factories import make_practice_sop

STEPS = [{"key": "reply", "title": "首次回复", "timing": "收到咨询后3分钟内",
          "evidence_type": "text"},
         {"key": "count", "title": "记录沟通次数", "timing": "", "evidence_type": "number"},
         {"key": "intro", "title": "发送医院介绍", "timing": "", "evidence_type": "link"}]


def _statuses() -> dict[str, list[str]]:
    rows = db.session.execute(select(User.login, PracticeRun.status)
                              .join(PracticeRun, PracticeRun.user_id == User.id)
                              .order_by(PracticeRun.id)).all()
    found: dict[str, list[str]] = {}
    for login, status in rows:
        found.setdefault(login, []).append(status)
    return found


def test_the_demo_runs_fill_the_review_queue_once(demo):
    make_practice_sop(SOP, STEPS)
    assert seed_demo_practice() == 3
    db.session.commit()
    assert _statuses() == {"employee": ["signed_off", "submitted"], "10005": ["returned"]}
    supervisor = db.session.scalar(select(User).where(User.login == "supervisor"))
    waiting = review_queue(supervisor)
    assert [run.case_code for run in waiting.items] == ["CRM-2026-001388"]
    assert seed_demo_practice() == 0  # a second run of the demo adds nothing
    db.session.commit()
    assert sum(len(v) for v in _statuses().values()) == 3


def test_without_the_sop_there_is_nothing_to_seed(demo):
    assert seed_demo_practice() == 0
