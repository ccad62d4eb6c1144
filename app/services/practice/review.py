"""Supervisors review submitted practice runs: score the rubric, comment steps, and sign off
(通过) or return for rework (退回).

Who may review a run is `access.reviewable_runs` (their departments' people; admins: everyone;
never oneself), used for the queue and for each run, so the two cannot disagree. Each review
answers exactly one submission (one round). Two supervisors deciding at once: the run is
claimed with a conditional UPDATE (status submitted, same round), so exactly one review is
written and the other is told who reviewed first.

Scores: signing off needs every criterion of the module's rubric scored 1–5; returning may
score some, none or all (the reason is what the employee needs). A return needs a reason.
Reason and comments go through the PII guard: supervisors must not write client phone or ID
numbers either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import PracticeRun, RunReview, RunStepComment, RunSubmission, User
from app.models.practice import DECISIONS
from app.services.assign.notify import notify
from app.services.errors import DomainError, NotFound
from app.services.practice.access import can_review
from app.services.practice.rubric import SCORES, rubric_of
from app.services.privacy import refuse_pii
from app.services.validation import clean_multiline
from app.services.webhooks import emit

MAX_REASON = 2000
MAX_COMMENT = 2000
REASON = _l("Reason")


@dataclass
class Decision:
    """What the supervisor filled in: the decision, a reason, {criterion key: 1..5} and
    {step key: comment}."""

    decision: str | None
    reason: str | None = ""
    scores: dict[str, object] = field(default_factory=dict)
    comments: dict[str, str | None] = field(default_factory=dict)


def review_run(actor: User, run: PracticeRun, decision: Decision, now: datetime,
               url: str = "") -> RunReview:
    """Record the actor's review of the run's current submission, update the run (returned:
    reopened for the next round; signed off: done) and tell the employee (`url`: where)."""
    if not can_review(actor, run):
        raise NotFound(_l("This run does not exist."))
    submission = _waiting_submission(run)
    verdict, reason, scores, comments = _clean(run, submission, decision)
    _claim(run, verdict, now)
    review = RunReview(submission_id=submission.id, run_id=run.id, round=submission.round,
                       reviewer_id=actor.id, decision=verdict, reason=reason, scores=scores,
                       created_at=now)
    review.comments = [RunStepComment(step_key=key, comment=text)
                       for key, text in comments.items()]
    db.session.add(review)
    db.session.flush()
    notify(run.user_id, verdict, f"run-{verdict}:{run.id}:{submission.round}", now, url=url,
           title=run.version.title)
    if verdict == "signed_off":
        emit("run.signed_off", lambda: {
            "run_id": run.id, "sop_module_id": run.module_id, "sop_title": run.version.title,
            "user_id": run.user_id, "user_login": run.user.login, "case_code": run.case_code,
            "round": submission.round, "reviewer_id": actor.id, "scores": scores,
            "signed_off_at": now}, now=now)
    return review


def _waiting_submission(run: PracticeRun) -> RunSubmission:
    """The submission of the run's current round, when it waits for a review."""
    submission = None
    if run.status == "submitted":
        submission = db.session.scalar(select(RunSubmission).where(
            RunSubmission.run_id == run.id, RunSubmission.round == run.round))
    if submission is None or submission.review is not None:
        raise _not_waiting(run)
    return submission


def _not_waiting(run: PracticeRun) -> DomainError:
    """Why the run cannot be reviewed now: someone was quicker, or it is not submitted."""
    reviewer = db.session.scalar(
        select(User.name).join(RunReview, RunReview.reviewer_id == User.id)
        .where(RunReview.run_id == run.id).order_by(RunReview.round.desc()).limit(1))
    if reviewer is not None and run.status != "draft":
        return DomainError(_l("This run has already been reviewed by %(name)s.", name=reviewer))
    return DomainError(_l("This run is not waiting for a review."))


def _claim(run: PracticeRun, verdict: str, now: datetime) -> None:
    """Move the run on, only if it is still the submitted round we reviewed."""
    values: dict[str, object] = {"status": verdict}
    if verdict == "returned":
        values.update(round=run.round + 1, submitted_at=None)
    else:
        values.update(signed_off_at=now)
    claimed = db.session.execute(
        update(PracticeRun)
        .where(PracticeRun.id == run.id, PracticeRun.status == "submitted",
               PracticeRun.round == run.round)
        .values(**values).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.expire(run)
        raise _not_waiting(run)
    for name, value in values.items():  # what the UPDATE wrote, without writing it twice
        set_committed_value(run, name, value)


def _clean(run: PracticeRun, submission: RunSubmission, decision: Decision):
    if decision.decision not in DECISIONS:
        raise DomainError(_l("Choose “Sign off” or “Return for rework”."), "decision")
    verdict = decision.decision
    reason = clean_multiline(decision.reason, field="reason", label=REASON,
                             max_length=MAX_REASON, required=verdict == "returned") or ""
    if verdict == "returned" and not reason.strip():
        raise DomainError(_l("Say why the run is returned."), "reason")
    refuse_pii(reason, field="reason", label=REASON)
    scores = clean_scores(run, decision.scores, required=verdict == "signed_off")
    return verdict, reason, scores, _clean_comments(submission, decision.comments)


def clean_scores(run: PracticeRun, given: dict[str, object], *, required: bool) -> dict:
    """{criterion key: 1..5} for the module's rubric; every criterion when `required`."""
    criteria = rubric_of(run.module)
    keys = {c.key for c in criteria}
    unknown = [key for key, value in given.items() if key not in keys and value not in ("", None)]
    if unknown:
        raise DomainError(_l("The rubric has changed; please reload the page and score again."),
                          "scores")
    scores = {}
    for criterion in criteria:
        score = _score(given.get(criterion.key))
        if score is None and required:
            raise DomainError(_l("Score “%(label)s” from 1 to 5.", label=criterion.label),
                              "scores")
        if score is not None:
            scores[criterion.key] = score
    return scores


def _score(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        score = int(str(value).strip())
    except ValueError:
        score = 0
    if score not in SCORES:
        raise DomainError(_l("A score is a whole number from 1 to 5."), "scores")
    return score


def _clean_comments(submission: RunSubmission, given: dict[str, str | None]) -> dict:
    """Non-blank comments on steps of the submitted snapshot, in the snapshot's order."""
    steps = [step for step in (submission.snapshot or {}).get("steps", [])
             if isinstance(step, dict)]
    keys = [step.get("key") for step in steps]
    if any(key not in keys for key, text in given.items() if text and text.strip()):
        raise DomainError(_l("A comment names a step that is not in this run."), "comments")
    comments = {}
    for step in steps:
        label = _l("Comment on “%(step)s”", step=step.get("title") or step.get("key"))
        text = clean_multiline(given.get(step.get("key")), field="comments", label=label,
                               max_length=MAX_COMMENT)
        if text and text.strip():
            refuse_pii(text, field="comments", label=label)
            comments[step["key"]] = text
    return comments
