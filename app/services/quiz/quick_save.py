"""Autosaving one answer of an open exam attempt in two statements: the claim
(`attempts.claim_open`'s conditional UPDATE, which also finds the deadline not passed) and
the write of the row, which counts the answers as stored now (`save`). Core statements built
once per worker, row tuples instead of ORM objects.

What the claim needs to know of the attempt — its answer rows, the versions they ask, its
taker and deadline, none of which ever changes — is read once per worker, every position at
once (`target`, `_LAYOUTS`): a 20-question exam costs a worker one read, not one per answer.
Whether the attempt is still open is decided by the claim itself.

On PostgreSQL the claim and the write are one statement (`_claim_and_write`: the claim as a
data-modifying WITH, the row written only when it claimed), run as its own transaction
(`db_psycopg.on_its_own`): one statement and no BEGIN or COMMIT.
It keeps the rules below: the claim still takes the attempt's row lock first (the answer row
is written only after it), waits for a racing 交卷 and then claims nothing; when anything
wrote the attempt while it waited, it claims nothing either and the full path runs
(`_claim_and_write`), so the 已答 count it returns is always the stored one.

Everything else — a practice round (graded at once), an attempt handed in, past its
deadline or not the user's, a question not in it, an answer its type refuses — returns None
before anything is written, and the caller takes `taking.answer`'s full path, which says why
in the same words as before. The rules are the full path's: the claim waits for a racing
交卷 and finds it handed in (nothing stored after the grading), moves `updated_at` (交卷's
grade-then-claim sees the answer came in), and holds the attempt until the commit, so two
quick autosaves of one attempt take turns.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Text, and_, bindparam, cast, exists, func, or_, select, update

from app.db_psycopg import on_its_own
from app.extensions import db
from app.models import AttemptQuestion, QuestionVersion, QuizAttempt
from app.models.attempts import IN_PROGRESS
from app.services.errors import DomainError
from app.services.privacy import refuse_pii
from app.services.quiz.attempts import ANSWER, GRACE, is_overdue
from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.types import get_type

ATTEMPTS = QuizAttempt.__table__
ROWS = AttemptQuestion.__table__
VERSIONS = QuestionVersion.__table__
# A version's JSON text → its question, parsed once per worker (keyed by the text, not the
# id: a restored or recreated database may give an id to another question).
_QUESTIONS: dict[str, QuestionData] = {}


@dataclass(frozen=True)
class Target:
    """The answer row to write and the question that checks the answer."""

    attempt_id: int
    position: int
    row_id: int
    version_id: int
    started_at: datetime
    question: QuestionData


@dataclass(frozen=True)
class _Attempt:  # what `is_overdue` reads
    state: str
    deadline: datetime | None


class _Layout(NamedTuple):
    """What never changes of an open exam attempt: its taker, its deadline, and at each
    position the answer row and the version it asks (version text interned)."""
    user_id: int
    started_at: datetime  # with the id, this very attempt (not one of a restored database)
    deadline: datetime | None
    rows: dict[int, tuple[int, int, str]]  # position → (row id, version id, version text)


_LAYOUTS: dict[int, _Layout] = {}  # attempt id → its layout, per worker
_LAYOUTS_MAX = 512


def target(attempt_id: int, user_id: int, position: int | None, now: datetime
           ) -> Target | None:
    """The row at `position` of the user's open exam attempt; None when the full path must
    decide (see the module's docstring). The attempt's layout is read once per worker (one
    statement, every position at once) and kept: which rows an attempt has, the versions
    they ask, its taker and deadline never change. Whether it is still open is what the
    claim decides, in the same statement as the write."""
    if position is None:
        return None
    layout = _LAYOUTS.get(attempt_id) or _read_layout(attempt_id, user_id)
    if (layout is None or layout.user_id != user_id
            or is_overdue(_Attempt(IN_PROGRESS, layout.deadline), now)):
        return None
    row = layout.rows.get(position)
    if row is None:
        return None
    row_id, version_id, text = row
    question = _QUESTIONS.get(text)
    if question is None:
        try:
            question = QuestionData.from_dict(json.loads(text))
        except (QuestionError, ValueError):
            return None
        if len(_QUESTIONS) >= 2048:
            _QUESTIONS.clear()
        _QUESTIONS[text] = question
    return Target(attempt_id, position, row_id, version_id, layout.started_at, question)


def _read_layout(attempt_id: int, user_id: int) -> _Layout | None:
    """The user's attempt with every answer row and version (one statement), kept when it
    is an open exam attempt; None otherwise (not kept: the full path says why)."""
    rows = db.session.connection().execute(_load(), {
        "attempt_id": attempt_id, "user_id": user_id}).all()
    if not rows:
        return None
    state, mode, started_at, deadline = rows[0][:4]
    if mode != "exam" or state != IN_PROGRESS:
        return None
    layout = _Layout(user_id, started_at, deadline, {
        rank: (row_id, version_id, sys.intern(text))
        for *_attempt, rank, row_id, version_id, text in rows if row_id is not None})
    if len(_LAYOUTS) >= _LAYOUTS_MAX:
        _LAYOUTS.clear()
    _LAYOUTS[attempt_id] = layout
    return layout


def forget(attempt_id: int) -> None:
    """The attempt is no longer open (its claim found it handed in): not kept."""
    _LAYOUTS.pop(attempt_id, None)


class Saved(NamedTuple):
    here: bool  # this question is answered (not cleared)
    answered: int  # the attempt's answered questions, as stored now
    total: int


def save(found: Target, raw: Any, now: datetime) -> Saved | None:
    """Claim the attempt and store the answer. None, with nothing written, when the answer
    is refused or the attempt is no longer open."""
    try:
        response = get_type(found.question.type).normalise_response(found.question, raw)
        if isinstance(response, str):  # a typed answer (short answer, fill-in, numerical)
            refuse_pii(response, field="response", label=ANSWER)
    except DomainError:  # the full path refuses it and says why
        return None
    connection = db.session.connection()
    answered_at = now if response is not None else None
    with on_its_own(connection) as alone:
        if alone:  # PostgreSQL: the claim and the write in one statement, its own transaction
            written = connection.execute(_claim_and_write(), {
                "of_attempt": found.attempt_id, "pos": found.position, "at": now,
                "cutoff": now - GRACE, "started": found.started_at, "row_id": found.row_id,
                "version": found.version_id, "answer": response,
                "answered_at": answered_at}).first()
    if not alone:
        claimed = connection.execute(_claim(), {
            "of_attempt": found.attempt_id, "pos": found.position, "at": now,
            "cutoff": now - GRACE, "started": found.started_at}).first()
        written = claimed and connection.execute(_write(), {
            "row_id": found.row_id, "version": found.version_id,
            "of_attempt": found.attempt_id, "pos": found.position, "answer": response,
            "answered_at": answered_at}).first()
    if not written:  # handed in meanwhile (a racing 交卷, the deadline): nothing to keep
        forget(found.attempt_id)
        return None
    total, others = written
    here = response is not None
    return Saved(here, others + here, total)


def answered(column) -> Any:
    """SQL for `response is not None` as Python reads it: a cleared answer is stored as
    JSON null by the ORM and by `_write` alike."""
    return and_(column.is_not(None), cast(column, Text) != "null")


@lru_cache(maxsize=1)
def _load():
    """Built once per worker: the attempt ⟕ its answer rows ⟕ their versions (as text:
    parsed once per worker, `_QUESTIONS`)."""
    return (select(ATTEMPTS.c.state, ATTEMPTS.c.mode, ATTEMPTS.c.started_at,
                   ATTEMPTS.c.deadline, ROWS.c.rank,
                   ROWS.c.id, ROWS.c.version_id, cast(VERSIONS.c.data, Text))
            .select_from(ATTEMPTS.outerjoin(ROWS, ROWS.c.attempt_id == ATTEMPTS.c.id)
                         .outerjoin(VERSIONS, VERSIONS.c.id == ROWS.c.version_id))
            .where(ATTEMPTS.c.id == bindparam("attempt_id"),
                   ATTEMPTS.c.user_id == bindparam("user_id")))


@lru_cache(maxsize=1)
def _claim():
    """`claim_open`'s UPDATE: it waits for a racing 交卷's commit, then matches nothing."""
    deadline = ATTEMPTS.c.deadline
    return (update(ATTEMPTS)
            .where(ATTEMPTS.c.id == bindparam("of_attempt"), ATTEMPTS.c.state == IN_PROGRESS,
                   ATTEMPTS.c.started_at == bindparam("started", type_=deadline.type),
                   or_(deadline.is_(None), deadline >= bindparam("cutoff", type_=deadline.type)))
            .values(updated_at=bindparam("at", type_=ATTEMPTS.c.updated_at.type),
                    current_rank=bindparam("pos"))
            .returning(ATTEMPTS.c.id))


@lru_cache(maxsize=1)
def _claim_and_write():
    """PostgreSQL: `_claim` as a WITH — holding only while the attempt is as this statement's
    snapshot saw it — then `_write` of the row only if the claim returned the attempt.

    The guard: the claim waits for the attempt's row lock when another request holds it
    (交卷, or an autosave of the same attempt on another device), then looks again at the
    row as committed, but the rest of the statement — the answers it counts — still reads
    the snapshot taken before the wait. `updated_at` equal to the snapshot's (every write of
    an answer or hand-in moves it) means nobody wrote meanwhile and the counts are current;
    otherwise nothing is written and the caller takes the full path, whose statements each
    read anew."""
    seen = ATTEMPTS.alias("seen")  # a filter on the row found by its key, not an index cond
    unchanged = exists().where(seen.c.id == ATTEMPTS.c.id,
                               seen.c.updated_at == ATTEMPTS.c.updated_at)
    claim = _claim().where(unchanged).cte("claim")
    return _write().where(ROWS.c.attempt_id.in_(select(claim.c.id)))


@lru_cache(maxsize=1)
def _write():
    """The answer, returning the attempt's questions and the other answered ones. Counted
    here, not in the claim: a statement after the claim sees what a racing autosave
    committed while the claim waited (PostgreSQL's statement snapshot)."""
    others = (select(func.count()).where(ROWS.c.attempt_id == bindparam("of_attempt"),
                                          ROWS.c.rank != bindparam("pos"),
                                          answered(ROWS.c.response)).scalar_subquery())
    total = (select(func.count()).where(ROWS.c.attempt_id == bindparam("of_attempt"))
             .scalar_subquery())
    return (update(ROWS).where(ROWS.c.id == bindparam("row_id"),
                               ROWS.c.version_id == bindparam("version"))
            .values(response=bindparam("answer", type_=ROWS.c.response.type),
                    answered_at=bindparam("answered_at", type_=ROWS.c.answered_at.type))
            .returning(total, others))
