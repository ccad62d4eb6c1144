"""Grading: one question by the machine or by a person, an attempt's total, the score that
counts for a quiz (grading method) and what the review may show."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AttemptQuestion, QuizAttempt, User
from app.models.attempts import FINISHED, GRADING
from app.models.quiz import Quiz
from app.services.analytics import person_tallies, taker_rows
from app.services.assign.notify import notify
from app.services.errors import DomainError
from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.types import get_type, grade_by_person
from app.services.quiz.wrong_book import record_outcomes
from app.services.stale import check_seen, token
from app.services.webhooks import emit

Outcome = tuple[int, str, float]  # question id, type, fraction
FULL = 1.0 - 1e-9


def grade_question(row: AttemptQuestion) -> Outcome | None:
    """Grade a saved response by machine (short answers are marked as waiting for a person);
    the outcome for the wrong-question book, when there is a grade."""
    values, outcome = machine_grade(row)
    row.fraction, row.feedback, row.needs_review = (
        values["fraction"], values["feedback"], values["needs_review"])
    return outcome


def machine_grade(row: AttemptQuestion, question: QuestionData | None = None
                  ) -> tuple[dict, Outcome | None]:
    """What `grade_question` writes for a saved response — {fraction, feedback,
    needs_review} — and the outcome for the wrong-question book, without touching the row
    (交卷 writes the grades of all its answers in one statement). `question`: the row's
    version as `stored_question` parsed it (else read from `row.version`)."""
    data = question or QuestionData.from_dict(row.version.data, copy_data=False)  # only read
    kind = get_type(data.type)
    grade = kind.grade(data, kind.normalise_response(data, row.response))
    values = {"fraction": grade.fraction, "feedback": [str(text) for text in grade.feedback],
              "needs_review": grade.needs_review}
    return values, None if grade.fraction is None else (row.question_id, data.type,
                                                         grade.fraction)


@lru_cache(maxsize=2048)
def stored_question(text: str) -> QuestionData:
    """A question version from its stored JSON text, parsed and checked once per worker
    (decoding 20 versions was a fifth of 交卷's time). Versions never change, and the key is
    the text itself, so no id reused by another database can return another question.
    Shared by every request: graders only read it."""
    return QuestionData.from_dict(json.loads(text))


def finish_if_graded(attempt: QuizAttempt, now: datetime) -> None:
    """Total the attempt once nothing waits for a person: score, percent, pass/fail; an exam
    attempt is recorded among the quiz's takers (analytics.taker_rows, one statement) and a
    quiz's attempt in its people's question tallies (analytics.person_tallies, one)."""
    if attempt.state != GRADING:
        return
    values = final_values(attempt, attempt.questions, now)
    for name, value in values.items():
        setattr(attempt, name, value)
    if values:
        finished(attempt)


def finished(attempt: QuizAttempt, counted: tuple[bool, bool] = (False, False)) -> None:
    """What follows an attempt becoming finished, however it was totalled (here, or by 交卷's
    single conditional UPDATE in attempts): its place among the quiz's takers, its answers in
    the person's question tallies (every attempt of a quiz; a regrade adds the difference),
    and the `attempt.graded` webhook of a quiz's exam attempt (practice rounds and an SOP
    re-check, which belong to no quiz, are the learner's own). `counted`: (the taker row, the
    person's tallies) already written by 交卷's one statement on PostgreSQL (`hand_in`)."""
    if not counted[0]:
        taker_rows.attempt_finished(attempt)
    if counted[1]:
        person_tallies.counted_elsewhere(attempt)
    else:
        person_tallies.attempt_finished(attempt)
    if attempt.mode == "exam" and attempt.state == FINISHED and attempt.quiz_id is not None:
        emit("attempt.graded", lambda: graded_payload(attempt), now=attempt.finished_at)


def graded_payload(attempt: QuizAttempt) -> dict:
    """The `attempt.graded` event's data (docs/webhooks.md)."""
    return {"attempt_id": attempt.id, "quiz_id": attempt.quiz_id,
            "quiz_title": attempt.quiz.title if attempt.quiz else "",
            "user_id": attempt.user_id, "user_login": attempt.user.login,
            "score": attempt.score, "max_score": attempt.max_score, "percent": attempt.percent,
            "passed": attempt.passed, "submitted_at": attempt.submitted_at,
            "graded_at": attempt.finished_at}


def final_values(attempt: QuizAttempt, rows: list[AttemptQuestion], now: datetime) -> dict:
    """The totals of an attempt handed in with these graded answers, as `finish_if_graded`
    writes them ({} while an answer waits for a person). A failed must-pass question fails
    the attempt whatever the total."""
    if any(row.needs_review for row in rows):
        return {}
    score = round(sum(row.score or 0.0 for row in rows), 6)
    max_score = round(sum(row.points for row in rows), 6)
    percent = round(100.0 * score / max_score, 2) if max_score else 0.0
    passed = percent >= attempt.pass_percent and not _failed(rows)
    return dict(score=score, max_score=max_score, percent=percent, passed=passed,
                state=FINISHED, finished_at=now)


def failed_must_pass(attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The must-pass questions of a graded attempt that did not earn full credit (in order):
    any of them fails the exam, whatever the total."""
    return _failed(attempt.questions)


def _failed(rows: list[AttemptQuestion]) -> list[AttemptQuestion]:
    return [row for row in rows
            if row.must_pass and (row.fraction is None or row.fraction < FULL)]


def cleared_must_pass(attempt: QuizAttempt) -> bool:
    """No must-pass question failed this finished attempt: it reached its pass mark and
    passed, or it fell short of the mark anyway (its questions need not be loaded)."""
    return bool(attempt.passed) or (attempt.percent or 0.0) < attempt.pass_percent


def grade_token(row: AttemptQuestion) -> str:
    """What a grader saw of an answer's grade, for `grade_by_hand(seen=…)`."""
    return token(row.graded_by_id, row.graded_at, row.fraction, row.grader_comment)


def grade_by_hand(row: AttemptQuestion, grader: User, points: float, comment: str,
                  rubric_marks: list[bool], now: datetime, seen: str | None = None) -> None:
    """A person's grade for a short answer; the attempt is totalled when it was the last.

    Two graders at once (two answers of one attempt, or the same answer): the attempt is
    locked first and its answers read again, so the last of them totals the attempt and an
    answer enters the wrong-question book once. `seen` is `grade_token` of the page the
    grader filled in: when another grader graded the answer since, nothing is saved and the
    grader is shown the other grade (sending again then replaces it, deliberately)."""
    attempt = row.attempt
    if attempt.state not in (GRADING, FINISHED) or row.version.data["type"] != "short_answer":
        raise DomainError(_l("This answer cannot be graded."))
    try:
        grade = grade_by_person(points, row.points, comment)
    except QuestionError as error:
        raise DomainError(error.message, "points") from None
    _lock_for_grading(attempt, now)
    if row.graded_by_id is not None and row.graded_by_id != grader.id:
        check_seen(grade_token(row), seen, _l(
            "%(name)s graded this answer while you were looking at it: %(points)s points. "
            "Nothing was saved; read their grade, then save again to replace it.",
            name=row.graded_by.name if row.graded_by else "—", points=f"{row.score or 0:g}"))
    was_waiting = row.needs_review
    taker_rows.regrading(row)  # the fraction the quiz analytics counted (a regrade)
    person_tallies.regrading(row)  # … and the dashboard's tallies
    row.fraction, row.feedback, row.needs_review = grade.fraction, grade.feedback, False
    row.graded_by_id, row.graded_at = grader.id, now
    row.grader_comment, row.rubric_marks = comment, [bool(mark) for mark in rubric_marks]
    if was_waiting:  # the book's rule decides (short answers never enter it: wrong_book)
        record_outcomes(attempt.user_id, [(row.question_id, "short_answer", grade.fraction)],
                        now)
    if attempt.state == FINISHED and not was_waiting:
        attempt.state = GRADING  # a regrade: total again
    finish_if_graded(attempt, now)
    if attempt.state == FINISHED:  # tell the employee once (a regrade adds nothing)
        notify(attempt.user_id, "graded", f"graded:{attempt.id}", now,
               url=f"/learn/attempts/{attempt.id}",
               title=attempt.quiz.title if attempt.quiz else "")
    db.session.flush()


def _lock_for_grading(attempt: QuizAttempt, now: datetime) -> None:
    """A conditional UPDATE of the submitted attempt (waits for another grader's commit),
    then the attempt and its answers as committed now."""
    claimed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                  QuizAttempt.state.in_((GRADING, FINISHED)))
        .values(updated_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DomainError(_l("This answer cannot be graded."))
    db.session.refresh(attempt)
    db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
                       .options(selectinload(AttemptQuestion.version))
                       .execution_options(populate_existing=True)).all()


@dataclass(frozen=True)
class QuizResult:
    """The score that counts for a quiz under its grading method (None: nothing graded)."""

    percent: float | None
    passed: bool | None
    graded: int
    waiting: int


def quiz_result(quiz: Quiz, attempts: list[QuizAttempt]) -> QuizResult:
    """Apply the grading method (highest, last, first, average) to the finished attempts."""
    done = sorted((a for a in attempts if a.state == FINISHED and a.percent is not None),
                  key=lambda a: a.number)
    waiting = sum(1 for a in attempts if a.state == GRADING)
    if not done:
        return QuizResult(None, None, 0, waiting)
    scores = [a.percent for a in done]
    method, mark = quiz.grading_method, quiz.pass_percent
    if method == "last":
        percent, passed = scores[-1], scores[-1] >= mark and cleared_must_pass(done[-1])
    elif method == "first":
        percent, passed = scores[0], scores[0] >= mark and cleared_must_pass(done[0])
    elif method == "average":
        percent = round(sum(scores) / len(scores), 2)
        passed = percent >= mark and cleared_must_pass(done[-1])
    else:  # highest: passed when some attempt reached the mark with every must-pass item
        percent = max(scores)
        passed = any(a.percent >= mark and cleared_must_pass(a) for a in done)
    return QuizResult(percent, passed, len(done), waiting)


def review_allowed(attempt: QuizAttempt, now: datetime) -> bool:
    """May the employee see right answers and explanations of this finished attempt?"""
    if attempt.mode != "exam":
        return True
    if attempt.state == "in_progress":
        return False
    quiz = attempt.quiz
    if quiz is None or quiz.review == "immediately":
        return True
    if quiz.review == "after_close":
        return quiz.closes_at is not None and now >= quiz.closes_at
    return False
