"""Issue 18's frictions of SOP steps, as people meet them: a step timed "术后72小时内" from the
case start is late ~80 h after the operation whatever the previous tick, and every page says
which rule it applied; the text-evidence box has its own label; a number shows its label and
unit on the run, the review and the SOP pages; step numbers wear the same badge everywhere."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import SopStep, SopVersion, SopVersionStep
from app.models.base import utcnow
from app.services.practice import run_start, runs
from tests.learning_factories import person
from tests.practice_factories import make_practice_sop
from tests.web.authoring_helpers import add_step, create_sop, step_form

STEPS = [
    {"key": "op-day", "title": "确认护理要点", "timing": "术后当天", "evidence_type": "text"},
    {"key": "call", "title": "术后回访", "timing": "术后72小时内", "timing_from": "case_start",
     "evidence_type": "number", "evidence_label": "回访时长", "evidence_unit": "分钟"},
]
CASE_RULE = "案例开始后 72 小时内"


def _texts(page: str, testid: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(
        rf'data-testid="{testid}"[^>]*>(.*?)</', page, re.S)]


def test_a_step_timed_from_the_case_start_is_late_on_every_page(client, auth, demo):
    module = make_practice_sop("post-op", STEPS, title="术后回访")
    user, began = person("employee"), utcnow() - timedelta(hours=80)
    run = run_start.start_run(user, module, "CRM-2026-000518", "", began, now=began)
    for key, data, hours_ago in (("op-day", runs.StepInput(done=True, evidence_text="已说明"), 10),
                                 ("call", runs.StepInput(done=True, evidence_number="5"), 0)):
        runs.save_step(user, run, key, data, now=utcnow() - timedelta(hours=hours_ago))
    db.session.commit()

    auth.as_role("employee")
    page = client.get(f"/practice/runs/{run.id}").text
    assert CASE_RULE in _texts(page, "timing-rule")  # beside the badge
    assert page.count('data-testid="late"') == 2  # op-day ticked after its day, call at 80 h
    labels = _texts(page, "evidence-input-label")
    assert labels == ["我的文字记录", "回访时长（分钟）"]  # not "留痕要求", the requirement heading
    assert "数字：回访时长（分钟）" in _texts(page, "evidence-requirement")
    sop_page = client.get("/learn/sop/post-op").text
    assert CASE_RULE in _texts(sop_page, "timing-rule")
    assert "案例开始当天" in _texts(sop_page, "timing-rule")  # step 1: nothing before it
    client.post(f"/practice/runs/{run.id}/submit")

    auth.logout()
    auth.as_role("supervisor")
    review = client.get(f"/review/runs/{run.id}").text
    assert CASE_RULE in _texts(review, "timing-rule") and review.count(">超时</span>") == 2
    assert _texts(review, "evidence-number") == ["回访时长：5 分钟"]
    assert review.count('<span class="step-no">') == 2


def test_the_trainer_chooses_what_a_timing_counts_from_and_names_the_number(client, auth,
                                                                           demo):
    auth.as_role("trainer")
    module = create_sop(client)
    step = add_step(client, module.id, "术后回访", timing="术后72小时内", timing_from="case_start",
                    evidence_type="number", evidence_label="回访时长", evidence_unit="分钟")
    assert (step.timing_from, step.evidence_label, step.evidence_unit) == (
        "case_start", "回访时长", "分钟")
    page = client.get(f"/manage/sop/{module.id}").text
    assert CASE_RULE in _texts(page, "timing-rule")
    assert "数字：回访时长（分钟）" in _texts(page, "evidence-requirement")
    assert '<h3><span class="step-no">1</span>' in page
    edit = client.get(f"/manage/steps/{step.id}/edit").text
    assert re.search(r'<option selected value="case_start">|<option value="case_start" selected',
                     edit)
    refused = client.post(f"/manage/sop/{module.id}/steps/new",
                          data=step_form("另一步", timing_from="tomorrow"))
    assert refused.status_code == 200 and "has-error" in refused.text
    assert len(db.session.scalars(select(SopStep).where(SopStep.module_id == module.id)).all()) == 1
    client.post(f"/manage/sop/{module.id}/publish", data={"change_note": "首次发布"})
    version_step = db.session.scalar(select(SopVersionStep).join(SopVersion).where(
        SopVersion.module_id == module.id))
    assert (version_step.timing_from, version_step.evidence_unit) == ("case_start", "分钟")
