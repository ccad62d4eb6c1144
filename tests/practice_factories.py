"""Practice runs (实操) for tests: a published SOP whose steps cover every evidence type and
timing shape, runs in every status, and evidence photos built in memory.

Shared with the review tests: keep these signatures stable.

    make_practice_sop(slug="practice-sop", steps=None, *, positions=(), departments=(),
                      title=None) -> SopModule
    make_run(owner="employee", module=None, *, status="draft", case_code="CRM-2026-000123",
             context="首次到院，面诊后成交", case_at=None, now=None) -> PracticeRun
    runs_in_every_status(owner="employee", module=None) -> dict[str, PracticeRun]
    fill_step_data(step_type) -> StepInput     (valid evidence for an evidence type)
    return_run(run, reviewer="supervisor", reason=..., comments=None) -> RunReview
    sign_off_run(run, reviewer="supervisor") -> RunReview
    jpeg_bytes(size=(64, 48), gps=True, orientation=None) -> bytes
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from PIL import Image

from app.extensions import db
from app.models import PracticeRun, SopModule
from app.models.base import utcnow
from app.models.practice import RunReview, RunStepComment, RunSubmission
from app.services.practice import run_start, runs
from app.services.practice.runs import StepInput
from tests.helpers import upload_settings
from tests.learning_factories import make_sop, person

# One step of each evidence type; timings: a window in hours, same day, working days, none.
PRACTICE_STEPS = [
    {"key": "add-wechat", "title": "添加客户微信", "timing": "客户成交后、离开面诊区前",
     "evidence_type": "text", "evidence_hint": "记录案例编号与添加结果",
     "instructions": "**要做：** 说明身份", "script": "{客户称呼}您好，我是{员工姓名}。"},
    {"key": "first-visit", "title": "首次回访", "timing": "离院后24小时内",
     "evidence_type": "number", "evidence_hint": "回访时长（分钟）"},
    {"key": "survey", "title": "发送满意度问卷", "timing": "客户离开面诊区后当天",
     "evidence_type": "link", "evidence_hint": "问卷链接"},
    {"key": "screenshot", "title": "记录沟通截图", "timing": "需求记录后3个工作日内",
     "evidence_type": "photo", "evidence_hint": "遮挡客户头像与昵称后的截图"},
    {"key": "handover", "title": "交接给医生助理", "timing": "",
     "evidence_type": "none", "evidence_hint": ""},
]


def make_practice_sop(slug: str = "practice-sop", steps: list[dict] | None = None, *,
                      positions: tuple[str, ...] = (), departments: tuple[str, ...] = (),
                      title: str | None = None) -> SopModule:
    """A published SOP module (meant for everyone unless positions/departments are given)."""
    return make_sop(slug, [dict(step) for step in (steps or PRACTICE_STEPS)],
                    title=title or "实操演练SOP", positions=positions, departments=departments)


def jpeg_bytes(size: tuple[int, int] = (64, 48), gps: bool = True,
               orientation: int | None = None) -> bytes:
    """A JPEG carrying EXIF (camera make, a comment-like description, GPS position)."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"           # Make
    exif[0x010E] = "secret description"  # ImageDescription
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"client: secret")
    return buffer.getvalue()


class Upload:
    """A minimal FileStorage stand-in for services: `.stream` and `.filename`."""

    def __init__(self, data: bytes, filename: str = "photo.jpg"):
        self.stream = io.BytesIO(data)
        self.filename = filename


def fill_step_data(step_type: str) -> StepInput:
    """Ticked, with valid evidence of `step_type`."""
    data = StepInput(done=True, note="已完成")
    if step_type == "text":
        data.evidence_text = "已通过企业微信添加"
    elif step_type == "number":
        data.evidence_number = "15"
    elif step_type == "link":
        data.evidence_link = "https://survey.example.com/s/abc"
    elif step_type == "photo":
        data.photo = Upload(jpeg_bytes())
    return data


def _fill_all(run: PracticeRun, now: datetime) -> None:
    for offset, step in enumerate(run.version.steps):
        runs.save_step(run.user, run, step.key, fill_step_data(step.evidence_type),
                       now=now + timedelta(minutes=offset), uploads=upload_settings())


def make_run(owner: str = "employee", module: SopModule | None = None, *,
             status: str = "draft", case_code: str = "CRM-2026-000123",
             context: str = "首次到院，面诊后成交", case_at: datetime | None = None,
             now: datetime | None = None) -> PracticeRun:
    """A run of `module` (default: a fresh practice SOP) by `owner`, brought to `status`:
    draft (nothing filled), submitted (all filled, round 1 handed in), returned (round 1
    returned by the supervisor with a reason and a comment; round is 2), signed_off."""
    now = now or utcnow()
    module = module or make_practice_sop(f"practice-{owner}-{status}-{utcnow().timestamp()}")
    user = person(owner)
    run = run_start.start_run(user, module, case_code, context, case_at or now - timedelta(hours=1),
                         now=now)
    if status != "draft":
        _fill_all(run, now)
        runs.submit_run(user, run, now=now + timedelta(minutes=30))
    if status == "returned":
        return_run(run)
    elif status == "signed_off":
        sign_off_run(run)
    db.session.commit()
    return run


def _review(run: PracticeRun, reviewer: str, decision: str, reason: str) -> RunReview:
    submission = db.session.scalar(db.select(RunSubmission).where(
        RunSubmission.run_id == run.id, RunSubmission.round == run.round))
    review = RunReview(submission_id=submission.id, run_id=run.id, round=run.round,
                       reviewer_id=person(reviewer).id, decision=decision, reason=reason,
                       scores={})
    db.session.add(review)
    return review


def return_run(run: PracticeRun, reviewer: str = "supervisor",
               reason: str = "回访话术缺少复查提醒", comments: dict[str, str] | None = None
               ) -> RunReview:
    """What the review service does on 退回: a review, per-step comments, round + 1."""
    review = _review(run, reviewer, "returned", reason)
    for key, text in (comments or {"first-visit": "请补充复查时间"}).items():
        review.comments.append(RunStepComment(step_key=key, comment=text))
    run.status, run.round = "returned", run.round + 1
    db.session.flush()
    return review


def sign_off_run(run: PracticeRun, reviewer: str = "supervisor") -> RunReview:
    review = _review(run, reviewer, "signed_off", "")
    run.status, run.signed_off_at = "signed_off", utcnow()
    db.session.flush()
    return review


def runs_in_every_status(owner: str = "employee", module: SopModule | None = None
                         ) -> dict[str, PracticeRun]:
    """status → a run of `owner` in that status (all of one module)."""
    module = module or make_practice_sop(f"practice-all-{owner}")
    return {status: make_run(owner, module, status=status, case_code=f"CRM-{status}")
            for status in ("draft", "submitted", "returned", "signed_off")}
