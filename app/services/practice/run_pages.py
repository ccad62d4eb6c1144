"""What the employee's practice pages show: their runs by status, and one run with its steps,
timing, evidence, the supervisor's last answer and the history of its rounds. A constant
number of statements per page, however many steps, runs or rounds."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    PracticeRun,
    RunReview,
    RunStep,
    RunStepComment,
    RunSubmission,
    SopVersion,
    SopVersionStep,
    User,
)
from app.services.assign.access import assigned_access
from app.services.content.audience import visible_sop_modules
from app.services.errors import NotFound
from app.services.items.kinds import SOP
from app.services.practice.evidence import EvidenceType, evidence_type
from app.services.practice.runs import OPEN
from app.services.practice.timing import StepTiming, step_timings

STATUS_LABELS = {"draft": _l("In progress"), "returned": _l("Returned for rework"),
                 "submitted": _l("Waiting for review"), "signed_off": _l("Signed off")}
STATUS_ORDER = ("returned", "draft", "submitted", "signed_off")


@dataclass
class RunCard:
    run: PracticeRun
    title: str
    version_number: int
    done: int
    total: int


def my_runs(actor: User) -> dict[str, list[RunCard]]:
    """status → the actor's runs (latest first), with steps done of total; one statement."""
    counts = (select(RunStep.run_id, func.count(RunStep.id).label("total"),
                     func.count(RunStep.done_at).label("done"))
              .join(PracticeRun, PracticeRun.id == RunStep.run_id)
              .where(PracticeRun.user_id == actor.id)
              .group_by(RunStep.run_id).subquery())
    rows = db.session.execute(
        select(PracticeRun, SopVersion.title, SopVersion.number, counts.c.done, counts.c.total)
        .join(SopVersion, SopVersion.id == PracticeRun.version_id)
        .outerjoin(counts, counts.c.run_id == PracticeRun.id)
        .where(PracticeRun.user_id == actor.id)
        .order_by(PracticeRun.updated_at.desc(), PracticeRun.id.desc()))
    grouped: dict[str, list[RunCard]] = {status: [] for status in STATUS_ORDER}
    for run, title, number, done, total in rows:
        grouped.setdefault(run.status, []).append(RunCard(run, title, number, done or 0,
                                                          total or 0))
    return grouped


@dataclass
class StepRow:
    step: RunStep
    version_step: SopVersionStep
    timing: StepTiming
    kind: EvidenceType
    has_evidence: bool
    number: int = 0
    comment: str | None = None

    @property
    def values(self) -> dict[str, str]:
        """The stored fields as a form shows them."""
        step = self.step
        return {"evidence_text": step.evidence_text, "evidence_link": step.evidence_link,
                "evidence_number": format_number(step.evidence_number), "note": step.note,
                "script_draft": step.script_draft}


def format_number(value: float | None) -> str:
    """15.0 → "15", 12800.5 → "12800.5" (at most 4 decimals, as accepted)."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


@dataclass
class Round:
    round: int
    submitted_at: object
    review: RunReview | None
    reviewer_name: str | None


@dataclass
class RunPage:
    run: PracticeRun
    version: SopVersion
    rows: list[StepRow]
    rounds: list[Round] = field(default_factory=list)
    latest_review: RunReview | None = None

    @property
    def editable(self) -> bool:
        return self.run.status in OPEN

    @property
    def next_key(self) -> str | None:
        """The first step not ticked yet: the one the page points at."""
        return next((row.step.step_key for row in self.rows if row.step.done_at is None), None)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.step.done_at is not None)

    @property
    def ready(self) -> bool:
        return all(row.step.done_at is not None and row.has_evidence for row in self.rows)


def _rows(run: PracticeRun) -> list[StepRow]:
    pairs = db.session.execute(
        select(RunStep, SopVersionStep)
        .join(SopVersionStep, and_(SopVersionStep.version_id == run.version_id,
                                   SopVersionStep.key == RunStep.step_key))
        .where(RunStep.run_id == run.id).order_by(RunStep.rank, RunStep.id)).all()
    timings = step_timings([(vs.timing, vs.timing_from, step.done_at) for step, vs in pairs],
                           run.case_at)
    rows = []
    for number, ((step, vs), timing) in enumerate(zip(pairs, timings, strict=True), start=1):
        kind = evidence_type(vs.evidence_type)
        rows.append(StepRow(step, vs, timing, kind, kind.present(step), number))
    return rows


def _rounds(run: PracticeRun) -> list[Round]:
    rows = db.session.execute(
        select(RunSubmission, RunReview, User.name)
        .outerjoin(RunReview, RunReview.submission_id == RunSubmission.id)
        .outerjoin(User, User.id == RunReview.reviewer_id)
        .where(RunSubmission.run_id == run.id).order_by(RunSubmission.round.desc()))
    return [Round(sub.round, sub.submitted_at, review, name) for sub, review, name in rows]


def run_page(actor: User, run_id: int) -> RunPage:
    """The actor's own run as its page shows it; NotFound for anyone else's."""
    run = db.session.scalar(select(PracticeRun).where(PracticeRun.id == run_id)
                            .options(joinedload(PracticeRun.version),
                                     joinedload(PracticeRun.module)))
    if run is None or run.user_id != actor.id:
        raise NotFound(_l("This practice run does not exist."))
    page = RunPage(run, run.version, _rows(run), _rounds(run))
    reviewed = [item.review for item in page.rounds if item.review is not None]
    if reviewed:
        page.latest_review = reviewed[0]
        if run.status == "returned":
            comments = dict(db.session.execute(
                select(RunStepComment.step_key, RunStepComment.comment)
                .where(RunStepComment.review_id == reviewed[0].id)).all())
            for row in page.rows:
                row.comment = comments.get(row.step.step_key)
    return page


def startable_modules(actor: User, now) -> list[tuple]:
    """(module, latest version) of every SOP module the actor may start a run of: meant for
    them, or assigned to them."""
    extra = assigned_access(actor, now)[SOP.key]
    return [tuple(row) for row in db.session.execute(visible_sop_modules(actor, extra))]
