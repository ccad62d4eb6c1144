"""Assignments (and each person's status on them), quiz attempts and SOP practice runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.models import (
    Assignment,
    PracticeRun,
    Quiz,
    QuizAttempt,
    RunReview,
    SopModule,
    SopVersion,
)
from app.models.assignments import ITEM_KINDS
from app.models.attempts import FINISHED, GRADING, IN_PROGRESS
from app.models.practice import DECISIONS, RUN_STATUSES
from app.services.assign.status import STATUSES, status_query
from app.services.bi.fields import (
    Key,
    Listing,
    Resource,
    boolean,
    custom,
    integer,
    number,
    string,
    timestamp,
)
from app.services.items import KINDS, join_titles

SCORES_SCHEMA = {"type": "object", "nullable": True, "additionalProperties": {"type": "integer"},
                 "description": "The latest review's rubric scores (1–5) by criterion."}


def _assignments(now: datetime) -> Listing:
    """One id column per registered kind and the item's title, from the item registry."""
    query = (select(Assignment.id, Assignment.kind,
                    *(kind.reference(Assignment) for kind in KINDS.values()),
                    Assignment.acknowledge, Assignment.practice_runs, Assignment.starts_at,
                    Assignment.due_at, Assignment.due_days, Assignment.required,
                    Assignment.origin, Assignment.created_by_id, Assignment.cancelled_at,
                    Assignment.created_at, Assignment.updated_at))
    query, title = join_titles(query, Assignment)
    query = query.add_columns(title.label("item_title"))
    return Listing(query, (Key("updated_at", Assignment.updated_at, "time"),
                           Key("id", Assignment.id, "int")), Assignment.updated_at)


ASSIGNMENTS = Resource(
    name="assignments", scope="assignments", summary="Assignments (学习任务)",
    description="Every assignment, cancelled ones included (`cancelled_at`). Exactly one of "
                + ", ".join(kind.column for kind in KINDS.values()) + " is set, as `kind` "
                "says. Who owes it and how far they are: /assignments/status.",
    fields=(integer("id"), string("kind", enum=ITEM_KINDS),
            *(integer(kind.column, nullable=True) for kind in KINDS.values()),
            string("item_title", nullable=True), boolean("acknowledge"),
            integer("practice_runs"), timestamp("starts_at"), timestamp("due_at", nullable=True),
            integer("due_days", "Onboarding paths: days after the person's start.",
                    nullable=True),
            boolean("required"), string("origin", "manual, reack or onboarding."),
            integer("created_by_id", nullable=True), timestamp("cancelled_at", nullable=True),
            timestamp("created_at"), timestamp("updated_at")),
    listing=_assignments)


def _status(now: datetime) -> Listing:
    rows = status_query(now, Assignment.starts_at <= now).subquery("status_rows")
    query = select(rows.c.assignment_id, rows.c.user_id, rows.c.status, rows.c.started,
                   rows.c.due_at, rows.c.done_at)
    return Listing(query, (Key("assignment_id", rows.c.assignment_id, "int"),
                           Key("user_id", rows.c.user_id, "int")))


ASSIGNMENT_STATUS = Resource(
    name="assignments/status", scope="assignments",
    summary="Who owes each assignment, and their status",
    description="One row per live (started, not cancelled) assignment and active person who "
                "owes it, computed now: it has no updated_at, so no updated_since; reload it "
                "whole. Ordered by (assignment_id, user_id).",
    fields=(integer("assignment_id"), integer("user_id"), string("status", enum=STATUSES),
            boolean("started"), timestamp("due_at", "The person's own due date.",
                                          nullable=True),
            timestamp("done_at", nullable=True)),
    listing=_status, incremental=False)


def _attempts(now: datetime) -> Listing:
    query = (select(QuizAttempt.id, QuizAttempt.quiz_id, Quiz.title.label("quiz_title"),
                    QuizAttempt.user_id, QuizAttempt.mode, QuizAttempt.state,
                    QuizAttempt.number, QuizAttempt.started_at, QuizAttempt.submitted_at,
                    QuizAttempt.finished_at, QuizAttempt.auto_submitted, QuizAttempt.score,
                    QuizAttempt.max_score, QuizAttempt.percent, QuizAttempt.passed,
                    QuizAttempt.pass_percent, QuizAttempt.updated_at)
             .outerjoin(Quiz, Quiz.id == QuizAttempt.quiz_id))
    return Listing(query, (Key("updated_at", QuizAttempt.updated_at, "time"),
                           Key("id", QuizAttempt.id, "int")), QuizAttempt.updated_at)


ATTEMPTS = Resource(
    name="attempts", scope="attempts", summary="Quiz attempts",
    description="Every quiz attempt (and wrong-question-book round: mode wrong_book, no "
                "quiz). Score and pass are set once the attempt is finished.",
    fields=(integer("id"), integer("quiz_id", nullable=True),
            string("quiz_title", nullable=True), integer("user_id"),
            string("mode", "exam, practice or wrong_book."),
            string("state", enum=(IN_PROGRESS, GRADING, FINISHED)), integer("number"),
            timestamp("started_at"), timestamp("submitted_at", nullable=True),
            timestamp("finished_at", nullable=True), boolean("auto_submitted"),
            number("score", nullable=True), number("max_score"),
            number("percent", nullable=True), boolean("passed", nullable=True),
            number("pass_percent"), timestamp("updated_at")),
    listing=_attempts)


def _runs(now: datetime) -> Listing:
    latest = (select(func.max(RunReview.id)).where(RunReview.run_id == PracticeRun.id)
              .correlate(PracticeRun).scalar_subquery())
    query = (select(PracticeRun.id, PracticeRun.user_id, PracticeRun.module_id,
                    SopModule.slug.label("module_slug"), SopModule.title.label("module_title"),
                    SopVersion.number.label("version_number"), PracticeRun.case_code,
                    PracticeRun.status, PracticeRun.round, PracticeRun.case_at,
                    PracticeRun.submitted_at, PracticeRun.signed_off_at,
                    RunReview.decision.label("review_decision"),
                    RunReview.scores.label("review_scores"),
                    RunReview.reviewer_id, RunReview.created_at.label("reviewed_at"),
                    PracticeRun.created_at, PracticeRun.updated_at)
             .join(SopModule, SopModule.id == PracticeRun.module_id)
             .join(SopVersion, SopVersion.id == PracticeRun.version_id)
             .outerjoin(RunReview, RunReview.id == latest))
    return Listing(query, (Key("updated_at", PracticeRun.updated_at, "time"),
                           Key("id", PracticeRun.id, "int")), PracticeRun.updated_at)


RUNS = Resource(
    name="runs", scope="runs", summary="SOP practice runs (实操)",
    description="Every practice run with its latest review (null before the first). A "
                "client is named only by the case code.",
    fields=(integer("id"), integer("user_id"), integer("module_id"), string("module_slug"),
            string("module_title"), integer("version_number"), string("case_code"),
            string("status", enum=RUN_STATUSES), integer("round"), timestamp("case_at"),
            timestamp("submitted_at", nullable=True), timestamp("signed_off_at", nullable=True),
            string("review_decision", nullable=True, enum=DECISIONS),
            custom("review_scores", SCORES_SCHEMA, lambda v: v),
            integer("reviewer_id", nullable=True), timestamp("reviewed_at", nullable=True),
            timestamp("created_at"), timestamp("updated_at")),
    listing=_runs)
