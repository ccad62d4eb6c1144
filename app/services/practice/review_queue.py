"""What a reviewer reads: the queue of submitted runs (oldest first), the waiting count for
the nav badge, one run with its pinned SOP version, and the history of every round.

Every function runs a fixed number of statements, whatever the number of runs, steps or
rounds (tests/web/test_run_review_counts.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import PracticeRun, RunReview, RunSubmission, SopVersion, User
from app.services.errors import NotFound
from app.services.org import subtree_ids
from app.services.practice.access import reviewable_runs

PER_PAGE = 50


def _waiting(actor: User, department_id: int | None = None, *, in_sql: bool = False) -> Select:
    query = reviewable_runs(actor, in_sql=in_sql).where(PracticeRun.status == "submitted")
    if department_id:
        query = query.where(User.department_id.in_(subtree_ids({department_id})))
    return query


def review_queue(actor: User, page: int = 1, department_id: int | None = None,
                 per_page: int = PER_PAGE):
    """A page of the runs waiting for the actor, oldest submitted first, each with its
    employee (and their department id) and pinned SOP version (two statements, plus the
    scope's own)."""
    return db.paginate(queue_query(actor, department_id), page=page, per_page=per_page,
                       error_out=False)


def queue_query(actor: User, department_id: int | None = None) -> Select:
    """SELECT of every run waiting for the actor (of one department's subtree when given),
    oldest submitted first, employee and SOP version loaded: the queue and its download."""
    return _waiting(actor, department_id).options(
        contains_eager(PracticeRun.user).lazyload(User.role_rows),
        joinedload(PracticeRun.version),
    ).order_by(PracticeRun.submitted_at, PracticeRun.id)


def waiting_count_query(actor: User) -> Select:
    """SELECT COUNT of the runs waiting for the actor's review, scope included (the 实操审核
    badge), up to `badges.CAP` (an administrator's is the organisation's)."""
    from app.services.badges import capped

    return capped(_waiting(actor, in_sql=True).with_only_columns(PracticeRun.id))


def waiting_count(actor: User) -> int:
    return db.session.scalar(waiting_count_query(actor))


def member_runs(actor: User, user_id: int, limit: int = 20) -> list[PracticeRun]:
    """One person's latest runs the actor may review, newest first (their team page)."""
    return list(db.session.scalars(
        reviewable_runs(actor).where(PracticeRun.user_id == user_id)
        .options(joinedload(PracticeRun.version))
        .order_by(PracticeRun.created_at.desc(), PracticeRun.id.desc()).limit(limit)))


def load_run(actor: User, run_id: int) -> PracticeRun:
    """A run the actor may review, with its employee, module and pinned version's steps
    (NotFound otherwise: a run out of scope does not exist)."""
    run = db.session.scalar(reviewable_runs(actor).where(PracticeRun.id == run_id).options(
        contains_eager(PracticeRun.user).lazyload(User.role_rows),
        joinedload(PracticeRun.module),
        joinedload(PracticeRun.version).selectinload(SopVersion.steps)))
    if run is None:
        raise NotFound(_l("This run does not exist."))
    return run


@dataclass
class Round:
    """One round: what the employee handed in, and the review that answered it (if any)."""

    submission: RunSubmission
    review: RunReview | None

    @property
    def number(self) -> int:
        return self.submission.round

    @property
    def steps(self) -> list[dict]:
        steps = (self.submission.snapshot or {}).get("steps", [])
        return [step for step in steps if isinstance(step, dict)]

    @property
    def titles(self) -> dict[str, str]:
        return {step.get("key"): step.get("title") or step.get("key") for step in self.steps}

    @property
    def comments(self) -> dict[str, str]:
        if self.review is None:
            return {}
        return {c.step_key: c.comment for c in self.review.comments}


def run_history(run: PracticeRun) -> list[Round]:
    """Every round of the run, oldest first: submission snapshot, review, reviewer and
    step comments (two statements, whatever the number of rounds)."""
    submissions = db.session.scalars(
        select(RunSubmission).where(RunSubmission.run_id == run.id)
        .options(selectinload(RunSubmission.review).options(
            joinedload(RunReview.reviewer).lazyload(User.role_rows),
            joinedload(RunReview.comments)))
        .order_by(RunSubmission.round))
    return [Round(s, s.review) for s in submissions]
