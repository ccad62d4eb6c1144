"""The wrong-question book (错题本): the questions an employee has not yet answered for full
points, to practise until they have; docs/grading.md states the rule for people.

The one rule, applied by `record_outcomes` (what enters and leaves) and by `open_entries`
(what every page, count and practice round shows):

- An answer the machine graded below full points — wrong, or partly right — puts the
  question in the book (or back into it) and resets its streak; a question left blank was not
  answered, so it counts neither way.
- An answer for full points counts towards leaving; two in a row (in a quiz, a practice
  quiz or a book round) and the question leaves the book.
- The book holds only questions it can check by itself: every type but the short answer
  (简答题). A short answer is graded by a person and is looked at again in the attempt's review
  with the grader's comment; it never enters the book, and an entry whose question is now a
  short answer (written before this rule, or a question whose type changed) is not shown,
  counted or practised. An archived question is not shown, counted or practised either.
"""

from __future__ import annotations

import random
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import AttemptQuestion, Question, QuestionVersion, QuizAttempt, User
from app.models.attempts import WrongQuestion
from app.services.errors import DomainError
from app.services.quiz.layout import make_layout
from app.services.records import insert_if_absent, insert_or_none

STREAK_TO_LEAVE = 2
ROUND_SIZE = 10
FULL_CREDIT = 1.0 - 1e-9
NOT_PRACTISABLE = ("short_answer",)  # graded by a person: the book cannot check them


def practisable(question_type: str) -> bool:
    """Can the book check an answer to a question of this type (and so hold it)?"""
    return question_type not in NOT_PRACTISABLE


def record_outcomes(user_id: int, outcomes: list[tuple[int, str, float]],
                    now: datetime) -> None:
    """Note graded answers (question id, type, fraction) in the user's book: a wrong answer
    adds the question (or brings it back) and resets its streak; a right one counts towards
    leaving. A constant number of statements however many outcomes: the entries read, and
    written back in one executemany (the ORM's flush sent one UPDATE per set of changed
    columns: up to seven for a 20-question exam)."""
    outcomes = [o for o in outcomes if o is not None and practisable(o[1])]
    if not outcomes:
        return
    wrong_ids = sorted({qid for qid, _type, fraction in outcomes if fraction < FULL_CREDIT})
    if wrong_ids:
        _insert_missing(user_id, wrong_ids, now)
    entries = {entry.question_id: entry for entry in db.session.execute(
        select(WrongQuestion).where(WrongQuestion.user_id == user_id,
                                    WrongQuestion.question_id.in_({o[0] for o in outcomes}))
    ).scalars()}
    noted = {}
    for question_id, _type, fraction in outcomes:
        entry = entries.get(question_id)
        if entry is not None:
            _note(entry, fraction >= FULL_CREDIT, now)
            noted[entry.id] = entry
    if noted:
        _write(noted.values())


NOTED = ("last_answered_at", "cleared_at", "added_at", "wrong_count", "correct_streak")


def _write(entries) -> None:
    """The noted entries in one UPDATE … WHERE id = ? executemany; the objects then hold
    what was written (nothing left for the ORM to flush)."""
    table = WrongQuestion.__table__
    with db.session.no_autoflush:  # the noted objects are written here, not flushed first
        db.session.execute(update(table).where(table.c.id == bindparam("entry_id")),
                           [{"entry_id": entry.id,
                             **{name: getattr(entry, name) for name in NOTED}}
                            for entry in entries])
    for entry in entries:
        for name in NOTED:
            set_committed_value(entry, name, getattr(entry, name))


def _insert_missing(user_id: int, question_ids: list[int], now: datetime) -> None:
    rows = [{"user_id": user_id, "question_id": qid, "wrong_count": 0, "correct_streak": 0,
             "added_at": now, "last_answered_at": now} for qid in question_ids]
    insert_if_absent(WrongQuestion, rows, ["user_id", "question_id"])


def _note(entry: WrongQuestion, correct: bool, now: datetime) -> None:
    entry.last_answered_at = now
    if not correct:
        if entry.cleared_at is not None:
            entry.cleared_at, entry.added_at = None, now
        entry.wrong_count += 1
        entry.correct_streak = 0
    elif entry.cleared_at is None:
        entry.correct_streak += 1
        if entry.correct_streak >= STREAK_TO_LEAVE:
            entry.cleared_at = now


def open_entries(user: User):
    """SELECT of the questions in the user's book now with each one's current version,
    newest first: not cleared, not archived, of a type the book can practise."""
    return (select(WrongQuestion, QuestionVersion)
            .join(Question, Question.id == WrongQuestion.question_id)
            .join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                        QuestionVersion.number == Question.current_version))
            .where(WrongQuestion.user_id == user.id, WrongQuestion.cleared_at.is_(None),
                   Question.archived.is_(False), Question.type.not_in(NOT_PRACTISABLE))
            .order_by(WrongQuestion.added_at.desc(), WrongQuestion.id.desc()))


def book_size(user: User) -> int:
    """How many questions the book holds (the 我的学习 tile, the record): what book_page lists."""
    return db.session.scalar(select(func.count()).select_from(
        open_entries(user).with_only_columns(WrongQuestion.id).subquery()))


def book_page(user: User) -> list[tuple[WrongQuestion, QuestionVersion]]:
    """Each open entry with its question's current version (one query)."""
    return [(entry, version) for entry, version in db.session.execute(open_entries(user))]


def start_round(user: User, now: datetime, size: int = ROUND_SIZE) -> QuizAttempt:
    """A practice round over the book (the current version of each question), or the
    unfinished round when there is one (also when another request started it a moment ago:
    the database keeps one open round per person)."""
    open_round = _open_round(user)
    if open_round is not None and any(q.response is None for q in open_round.questions):
        return open_round
    if open_round is not None:
        from app.services.quiz.attempts import submit

        submit(open_round, now)
    picks = book_page(user)[:size]
    if not picks:
        raise DomainError(_l("Your wrong-question book is empty: nothing to practise."))
    rounds = db.session.scalar(select(func.count()).where(QuizAttempt.user_id == user.id,
                                                          QuizAttempt.mode == "wrong_book"))
    attempt_id = insert_or_none(QuizAttempt, dict(
        user_id=user.id, quiz_id=None, number=rounds + 1, mode="wrong_book",
        state="in_progress", started_at=now, updated_at=now, pass_percent=0.0,
        max_score=float(len(picks))))
    if attempt_id is None:
        return _open_round(user)
    attempt = db.session.get(QuizAttempt, attempt_id)
    rng = random.Random()
    attempt.questions = [AttemptQuestion(
        rank=position, question_id=entry.question_id, version_id=version.id,
        points=1.0, layout=make_layout(version.data, True, rng))
        for position, (entry, version) in enumerate(picks)]
    db.session.flush()
    return attempt


def _open_round(user: User) -> QuizAttempt | None:
    return db.session.execute(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id,
                                  QuizAttempt.mode == "wrong_book",
                                  QuizAttempt.state == "in_progress")
        .options(selectinload(QuizAttempt.questions))).scalars().first()
