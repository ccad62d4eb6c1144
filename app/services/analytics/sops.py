"""SOP module analytics: practice runs, sign-off rate, rubric scores and the steps most often
commented on when a run is returned.

The runs: those of the module started (created) in the date range by people of the chosen
department. Per module:
- started: runs; submitted: runs handed in at least once; decided: runs with at least one
  review; signed off: runs signed off; sign-off rate = signed off / decided; first-time
  sign-offs: signed off in round 1; average rounds to sign-off over the signed-off runs;
- rubric: the mean score (1–5) per criterion over every review of those runs;
- returned steps: per step key, the comments written in reviews that returned the run, and
  the number of such reviews; titled by the latest published version (the key otherwise).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, exists, func, select

from app.extensions import db
from app.models import (
    PracticeRun,
    RunReview,
    RunStepComment,
    RunSubmission,
    SopModule,
    SopVersion,
)
from app.models.content import SopVersionStep
from app.services.exports import stream_rows
from app.services.practice.rubric import criterion_label

SIGNED_OFF = "signed_off"


@dataclass(frozen=True)
class SopSummary:
    module_id: int
    title: str
    started: int
    submitted: int
    decided: int
    signed_off: int
    first_time: int
    rounds: float | None  # average rounds to sign-off

    @property
    def sign_off_rate(self) -> float | None:
        return self.signed_off / self.decided if self.decided else None


@dataclass(frozen=True)
class CriterionScore:
    key: str
    label: object
    mean: float
    reviews: int

    @property
    def point(self) -> tuple[object, float]:
        """(criterion, mean score), for a bar chart."""
        return self.label, round(self.mean, 2)


@dataclass(frozen=True)
class StepReturns:
    key: str
    title: str
    rank: int | None
    comments: int
    reviews: int


def runs_in_view(filters, module_id: int | None = None):
    """Subquery (id, module_id) of the runs the filters select."""
    query = select(PracticeRun.id, PracticeRun.module_id).where(
        *filters.in_range(PracticeRun.created_at), *filters.people(PracticeRun.user_id))
    if module_id is not None:
        query = query.where(PracticeRun.module_id == module_id)
    return query.subquery("runs")


def sop_summaries(filters, module_id: int | None = None) -> list[SopSummary]:
    """The run figures per module (active modules, or the one asked for): one statement."""
    runs = runs_in_view(filters, module_id)
    run = PracticeRun
    signed = run.status == SIGNED_OFF
    reviewed = exists().where(RunReview.run_id == run.id)
    handed_in = exists().where(RunSubmission.run_id == run.id)
    query = (select(SopModule.id, SopModule.title, func.count(run.id),
                    func.count(case((handed_in, run.id))), func.count(case((reviewed, run.id))),
                    func.count(case((signed, run.id))),
                    func.count(case((signed & (run.round == 1), run.id))),
                    func.avg(case((signed, run.round))))
             .outerjoin(runs, runs.c.module_id == SopModule.id)
             .outerjoin(run, run.id == runs.c.id)
             .group_by(SopModule.id, SopModule.title)
             .order_by(SopModule.sort_order, SopModule.id))
    query = (query.where(SopModule.id == module_id) if module_id is not None
             else query.where(SopModule.archived.is_(False)))
    return [SopSummary(module, title, *(int(v) for v in counts),
                       float(rounds) if rounds is not None else None)
            for module, title, *counts, rounds in db.session.execute(query)]


def criterion_scores(filters, module: SopModule, order: list[str]) -> list[CriterionScore]:
    """The mean score per criterion (the rubric's order first): one streamed statement."""
    runs = runs_in_view(filters, module.id)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    query = select(RunReview.scores).join(runs, runs.c.id == RunReview.run_id)
    for (scores,) in stream_rows(query):
        for key, value in (scores or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                totals[key][0] += value
                totals[key][1] += 1
    keys = [key for key in order if key in totals] + sorted(set(totals) - set(order))
    return [CriterionScore(key, criterion_label(key), totals[key][0] / totals[key][1],
                           totals[key][1]) for key in keys]


def _latest_steps(module_id: int) -> dict[str, tuple[str, int]]:
    newest = (select(func.max(SopVersion.number)).where(SopVersion.module_id == module_id)
              .scalar_subquery())
    rows = db.session.execute(
        select(SopVersionStep.key, SopVersionStep.title, SopVersionStep.rank)
        .join(SopVersion, SopVersion.id == SopVersionStep.version_id)
        .where(SopVersion.module_id == module_id, SopVersion.number == newest))
    return {key: (title, rank) for key, title, rank in rows}


def returned_steps(filters, module_id: int) -> list[StepReturns]:
    """Every step of the latest version, plus any other step commented on, most comments in
    returned reviews first (two statements)."""
    runs = runs_in_view(filters, module_id)
    counts = {key: (int(comments), int(reviews)) for key, comments, reviews in
              db.session.execute(
                  select(RunStepComment.step_key, func.count(RunStepComment.id),
                         func.count(RunReview.id.distinct()))
                  .join(RunReview, RunReview.id == RunStepComment.review_id)
                  .join(runs, runs.c.id == RunReview.run_id)
                  .where(RunReview.decision == "returned")
                  .group_by(RunStepComment.step_key))}
    steps = _latest_steps(module_id)
    rows = [StepReturns(key, *steps.get(key, (key, None)), *counts.get(key, (0, 0)))
            for key in list(steps) + sorted(set(counts) - set(steps))]
    return sorted(rows, key=lambda r: (-r.comments, r.rank is None, r.rank or 0, r.key))
