"""Attempts: start (or resume), save each answer as it is given, submit once, auto-submit
past the deadline, grade.

Every answer is on the server the moment it is given, so closing the phone, reloading or
switching device resumes exactly where the employee was. Submitting is idempotent: the
state moves from in_progress with one conditional UPDATE, so a double click or a retried
request grades the attempt once; every answer claims the open attempt the same way first, so
an answer racing 交卷 is graded or refused (已交卷), never stored after the grading. The
database keeps one open attempt per person and quiz: 开始 twice lands on one attempt. The
server owns the clock: an answer after the deadline (plus a few seconds' grace for the
network) is refused and the attempt is submitted with what was saved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import AttemptQuestion, QuizAttempt, User
from app.models.attempts import GRADING, IN_PROGRESS
from app.models.quiz import Quiz
from app.services.errors import DomainError, NotFound
from app.services.privacy import refuse_pii
from app.services.quiz import hand_in
from app.services.quiz.attempt_loading import (  # noqa: F401  (the attempt's readers)
    load_attempt,
    load_for_submit,
    questions_as_stored,
    with_versions,
)
from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.grading import finish_if_graded, grade_question
from app.services.quiz.layout import make_layout
from app.services.quiz.quizzes import draw_questions, window_problem
from app.services.quiz.types import get_type
from app.services.quiz.wrong_book import record_outcomes
from app.services.records import insert_or_none

GRACE = timedelta(seconds=10)
ANSWER = _l("Your answer")
SUBMITTED = _l("This attempt has been submitted; answers can no longer change.")


@dataclass(frozen=True)
class StartCheck:
    """Whether the user may start an attempt now, and if not, why (and from when)."""

    allowed: bool
    reason: Any = None
    resume: QuizAttempt | None = None
    used: int = 0
    next_at: datetime | None = None


def attempts_of(quiz: Quiz, user: User) -> list[QuizAttempt]:
    """The user's attempts at the quiz, oldest first."""
    return list(db.session.execute(
        select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id,
                                  QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.number)).scalars())


def check_start(quiz: Quiz, user: User, attempts: list[QuizAttempt],
                now: datetime) -> StartCheck:
    """May `user` start (or resume) an attempt of `quiz` at `now`? Enforced by `start`."""
    open_attempt = next((a for a in attempts if a.state == IN_PROGRESS), None)
    if open_attempt is not None:
        return StartCheck(True, resume=open_attempt, used=len(attempts))
    problem = window_problem(quiz, now)
    if problem:
        return StartCheck(False, problem, used=len(attempts))
    if quiz.mode == "practice":
        return StartCheck(True, used=len(attempts))
    if quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts:
        return StartCheck(False, _l("You have used all %(n)d attempts.", n=quiz.max_attempts),
                          used=len(attempts))
    if attempts and quiz.cooldown_minutes:
        last = max(a.submitted_at or a.started_at for a in attempts)
        next_at = last + timedelta(minutes=quiz.cooldown_minutes)
        if now < next_at:
            return StartCheck(False, _l("You can try again after the waiting time."),
                              used=len(attempts), next_at=next_at)
    return StartCheck(True, used=len(attempts))


def start(quiz: Quiz, user: User, now: datetime,
          rng: random.Random | None = None) -> QuizAttempt:
    """Resume the user's open attempt, or start a new one if the quiz's rules allow it.

    Two 开始 at once (a double tap, two devices): the database keeps one open attempt per
    person and quiz and one attempt per number, so one INSERT wins and the other request
    resumes the winner's attempt."""
    attempts = attempts_of(quiz, user)
    for attempt in attempts:
        if attempt.state == IN_PROGRESS and expire_if_overdue(attempt, now):
            attempts = attempts_of(quiz, user)
            break
    check = check_start(quiz, user, attempts, now)
    if check.resume is not None:
        return check.resume
    if not check.allowed:
        raise DomainError(check.reason)
    rng = rng or random.Random()
    drawn = draw_questions(quiz, rng)
    attempt_id = insert_or_none(QuizAttempt, dict(
        quiz_id=quiz.id, user_id=user.id, number=len(attempts) + 1, mode=quiz.mode,
        state=IN_PROGRESS, started_at=now, updated_at=now, pass_percent=quiz.pass_percent,
        max_score=sum(d.points for d in drawn), deadline=_deadline(quiz, now)))
    if attempt_id is None:
        return _started_meanwhile(quiz, user)
    attempt = db.session.get(QuizAttempt, attempt_id)
    attempt.questions = [AttemptQuestion(
        rank=position, question_id=item.question_id, version_id=item.version_id,
        points=item.points, must_pass=item.must_pass,
        layout=make_layout(item.data, quiz.shuffle_options, rng))
        for position, item in enumerate(drawn)]
    db.session.flush()
    return attempt


def _started_meanwhile(quiz: Quiz, user: User) -> QuizAttempt:
    """The attempt another request of the same person started a moment ago."""
    winner = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == user.id,
        QuizAttempt.state == IN_PROGRESS))
    if winner is None:  # it was started and handed in meanwhile: the rules apply again
        raise DomainError(_l("This quiz was just started in another window. Reload the page "
                             "and try again."))
    return winner


def _deadline(quiz: Quiz, now: datetime) -> datetime | None:
    if quiz.mode != "exam" or not quiz.time_limit_minutes:
        return quiz.closes_at if quiz.mode == "exam" else None
    deadline = now + timedelta(minutes=quiz.time_limit_minutes)
    return min(deadline, quiz.closes_at) if quiz.closes_at else deadline


def is_overdue(attempt: QuizAttempt, now: datetime) -> bool:
    """Past its deadline (after the grace for answers already on their way)."""
    return (attempt.state == IN_PROGRESS and attempt.deadline is not None
            and now > attempt.deadline + GRACE)


def expire_if_overdue(attempt: QuizAttempt, now: datetime) -> bool:
    """Submit an overdue attempt with what was saved; True when it was overdue."""
    if not is_overdue(attempt, now):
        return False
    submit(attempt, now, auto=True)
    return True


def save_answer(attempt: QuizAttempt, position: int, raw: Any, now: datetime
                ) -> AttemptQuestion:
    """Store the answer to question `position` (graded at once in practice rounds, where an
    answer once checked is final). Past the deadline, the attempt is submitted instead.

    The attempt is claimed first (`claim_open`), so an answer racing 交卷 on another server
    is either stored before the grading or refused with "已交卷", never stored after it."""
    if expire_if_overdue(attempt, now):
        raise DomainError(_l("Time is up: your attempt was submitted with the answers "
                             "saved before the deadline."), "deadline")
    if attempt.state != IN_PROGRESS:
        raise DomainError(SUBMITTED)
    row = question_at(attempt, position)
    data = QuestionData.from_dict(row.version.data)
    try:
        response = get_type(data.type).normalise_response(data, raw)
    except QuestionError as error:
        raise DomainError(error.message, "response") from None
    if isinstance(response, str):  # a typed answer (short answer, fill-in, numerical)
        refuse_pii(response, field="response", label=ANSWER)
    claim_open(attempt, now, current_rank=position)
    questions_as_stored(attempt)  # another request may have just checked it
    if attempt.mode != "exam" and row.answered_at is not None:
        raise DomainError(_l("You have already answered this question."))
    row.response = response
    row.answered_at = now if response is not None else None
    if attempt.mode != "exam" and response is not None:
        record_outcomes(attempt.user_id, [grade_question(row)], now)
    db.session.flush()
    return row


def claim_open(attempt: QuizAttempt, now: datetime, **values: Any) -> None:
    """Lock the attempt while it is open: a conditional UPDATE (with `values`) that waits for
    a racing 交卷 to commit and then finds the attempt handed in. DomainError (已交卷) when it
    is no longer open; the row stays locked by this transaction until it commits."""
    claimed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == IN_PROGRESS)
        .values(updated_at=now, **values).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(attempt)
        raise DomainError(SUBMITTED)
    for name, value in dict(values, updated_at=now).items():
        set_committed_value(attempt, name, value)


def question_at(attempt: QuizAttempt, position: int) -> AttemptQuestion:
    """The attempt's question at `position` (NotFound when there is none)."""
    for row in attempt.questions:
        if row.rank == position:
            return row
    raise NotFound(_l("This question is not part of the attempt."))


def submit(attempt: QuizAttempt, now: datetime, *, auto: bool = False,
           rows: list[AttemptQuestion] | None = None,
           questions: dict[int, QuestionData] | None = None) -> QuizAttempt:
    """Hand the attempt in and grade it; doing it again changes nothing.

    Graded first, then claimed only if no answer was saved since they were read
    (`hand_in.graded_then_claimed`); otherwise claimed first (a conditional UPDATE that waits
    for a racing answer's commit), then the answers are read as stored now, with their
    versions: an answer saved just before the claim is graded, one after it is refused
    (`claim_open`). `rows`: the answers read with the attempt, and `questions` their
    versions by id (`load_for_submit`); without them they are read first."""
    values = dict(state=GRADING, submitted_at=now, auto_submitted=auto, updated_at=now)
    if attempt.state == IN_PROGRESS:  # the attempt (its `updated_at`) is read before its answers
        if rows is None:
            rows = questions_as_stored(attempt, versions=True)
        if hand_in.graded_then_claimed(attempt, rows, now, values, questions):
            return attempt
    claimed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                  QuizAttempt.state == IN_PROGRESS)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.refresh(attempt)
        return attempt
    for name, value in values.items():
        set_committed_value(attempt, name, value)
    rows = questions_as_stored(attempt, versions=True)
    hand_in.write(attempt, hand_in.grade(rows), now)
    finish_if_graded(attempt, now)
    db.session.flush()
    return attempt


def expire_overdue_attempts(now: datetime, *, quiz_id: int | None = None,
                            user_id: int | None = None) -> int:
    """Submit every attempt past its deadline (of one quiz or user when given)."""
    query = select(QuizAttempt).where(QuizAttempt.state == IN_PROGRESS,
                                      QuizAttempt.deadline.is_not(None),
                                      QuizAttempt.deadline < now - GRACE)
    if quiz_id is not None:
        query = query.where(QuizAttempt.quiz_id == quiz_id)
    if user_id is not None:
        query = query.where(QuizAttempt.user_id == user_id)
    overdue = list(db.session.execute(query).scalars())
    for attempt in overdue:
        submit(attempt, now, auto=True)
    return len(overdue)


def answered_count(attempt: QuizAttempt) -> int:
    return sum(1 for row in attempt.questions if row.response is not None)

