"""The downloads of the two work queues, 实操审核 (practice runs waiting for review) and 阅卷
(short answers waiting for grading, and the submitted attempts): (headers, rows) for
`app.web.exporting`, from the same scoped queries as the pages, without their paging.
Rows are generated while the file is written, the query fetched in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from app.models import User
from app.services.exports import stream_scalars
from app.services.org import department_paths
from app.services.practice import review_queue
from app.services.quiz import grading_queue
from app.services.reports.export_rows import ATTEMPT_LABELS, NOT_OWED

BATCH = 500
STEM_CHARS = 200


def _scalars(stmt) -> Iterator:
    yield from stream_scalars(stmt, BATCH)  # its cursor closed when the rows are dropped


def _days(since: datetime | None, now: datetime) -> int | None:
    if since is None:
        return None
    since = since if since.tzinfo is not None else since.replace(tzinfo=UTC)
    return max(0, (now - since).days)


def review_table(actor: User, department_id: int | None, now: datetime):
    """The runs waiting for the actor's review, oldest first (the page's department filter)."""
    headers = [_l("Employee number"), _l("Employee"), _l("Department"), _l("SOP"),
               _l("Case code"), _l("Round"), _l("Submitted"), _l("Days waiting")]
    paths = department_paths()

    def rows():
        for run in _scalars(review_queue.queue_query(actor, department_id)):
            yield [run.user.login, run.user.name, paths.get(run.user.department_id, NOT_OWED),
                   run.version.title, run.case_code, run.round, run.submitted_at,
                   _days(run.submitted_at, now)]
    return headers, rows()


def _quiz_title(attempt) -> str:
    return attempt.quiz.title if attempt.quiz else str(_l("Wrong-question book"))


def grading_waiting_table(actor: User, quiz_id: int | None):
    """The short answers waiting for the actor, oldest submitted first (the quiz filter)."""
    headers = [_l("Employee number"), _l("Employee"), _l("Quiz"), _l("Question"),
               _l("Submitted")]

    def rows():
        for answer in _scalars(grading_queue.waiting_query(actor, quiz_id)):
            attempt = answer.attempt
            stem = str(answer.version.data.get("stem", ""))[:STEM_CHARS]
            yield [attempt.user.login, attempt.user.name, _quiz_title(attempt), stem,
                   attempt.submitted_at]
    return headers, rows()


def grading_submitted_table(actor: User, quiz_id: int | None):
    """Every submitted attempt in the actor's scope, newest first (the quiz filter)."""
    headers = [_l("Employee number"), _l("Employee"), _l("Quiz"), _l("Submitted"),
               _l("Percent"), _l("Passed"), _l("State")]

    def rows():
        for attempt in _scalars(grading_queue.submitted_query(actor, quiz_id)):
            yield [attempt.user.login, attempt.user.name, _quiz_title(attempt),
                   attempt.submitted_at, attempt.percent, attempt.passed,
                   str(ATTEMPT_LABELS.get(attempt.state, attempt.state))]
    return headers, rows()
