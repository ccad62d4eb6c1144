"""Helpers of the review tests (issue 6): decide on a run as a given person, rework and hand
a returned run in again, a supervisor of another department, an SOP of N steps."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import PracticeRun, User
from app.models.base import utcnow
from app.services import accounts
from app.services.practice import runs
from app.services.practice.review import Decision, review_run
from tests.helpers import TEST_HASH, upload_settings
from tests.learning_factories import department, person
from tests.practice_factories import fill_step_data, make_practice_sop

FULL_SCORES = {"accuracy": 4, "timeliness": 5, "communication": 3}


def decide(run: PracticeRun, reviewer: str, decision: str, *, reason: str = "",
           scores: dict | None = None, comments: dict | None = None, url: str = ""):
    """`reviewer` (a login) reviews the run; committed."""
    review = review_run(person(reviewer), run, Decision(
        decision, reason, FULL_SCORES if scores is None else scores, comments or {}),
        utcnow(), url=url)
    db.session.commit()
    return review


def rework(run: PracticeRun, note: str = "已补充复查时间") -> None:
    """The employee edits the first step of a returned run and hands it in again."""
    owner = db.session.get(User, run.user_id)
    first = run.version.steps[0]
    data = fill_step_data(first.evidence_type)
    data.note = note
    runs.save_step(owner, run, first.key, data, uploads=upload_settings())
    runs.submit_run(owner, run, now=utcnow() + timedelta(seconds=1))
    db.session.commit()


def other_supervisor(login: str = "30100") -> User:
    """A supervisor leading only 美容皮肤科 (the demo employee is not theirs)."""
    user, _ = accounts.create_user(accounts.UserData(
        login=login, name="皮肤科主管", department_id=department("美容皮肤科").id,
        roles={"employee", "supervisor"}, led_department_ids={department("美容皮肤科").id}),
        password="demo1234", hash_method=TEST_HASH)
    user.must_change_password = False
    db.session.commit()
    return user


def sop_of(steps: int, slug: str = "review-sop"):
    """A published SOP of `steps` text steps with instructions and a script template."""
    return make_practice_sop(slug, [
        {"key": f"s{n:02d}", "title": f"第{n}步", "timing": "离院后24小时内",
         "evidence_type": "text", "instructions": f"**要点{n}**", "script": "{客户称呼}您好"}
        for n in range(1, steps + 1)])
