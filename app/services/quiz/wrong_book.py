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
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, case, exists, func, literal, null, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AttemptQuestion, Question, QuestionVersion, QuizAttempt, User
from app.models.attempts import WrongQuestion
from app.models.base import UTCDateTime
from app.services import given_rows
from app.services.errors import DomainError
from app.services.quiz.layout import make_layout
from app.services.records import insert_or_none, insert_statement

STREAK_TO_LEAVE = 2
ROUND_SIZE = 10
FULL_CREDIT = 1.0 - 1e-9
GIVEN = (("question", Integer()), ("wrong", Integer()))  # the outcomes as rows
NOT_PRACTISABLE = ("short_answer",)  # graded by a person: the book cannot check them


def practisable(question_type: str) -> bool:
    """Can the book check an answer to a question of this type (and so hold it)?"""
    return question_type not in NOT_PRACTISABLE


def record_outcomes(user_id: int, outcomes: list[tuple[int, str, float]],
                    now: datetime) -> None:
    """Note graded answers (question id, type, fraction) in the user's book: a wrong answer
    adds the question (or brings it back) and resets its streak; a right one counts towards
    leaving. One statement however many outcomes (`_note_statement`, an executemany of one
    INSERT … SELECT … ON CONFLICT DO UPDATE per outcome, in order; when each question comes
    once, a single INSERT … SELECT FROM the outcomes given as rows, `given_rows`, with the
    same rule: one execution instead of one per answer): nothing is read first, so nothing read
    can be stale when two requests note the same question."""
    params = outcome_params(user_id, outcomes, now)
    if not params:
        return
    dialect = given_rows.dialect()
    at_once = at_once_params(dialect, user_id, params, now)
    if at_once is not None:
        db.session.execute(_note_statement(dialect, at_once=True), at_once)
    else:
        db.session.execute(_note_statement(dialect), params)
    forget_entries()


def outcome_params(user_id: int, outcomes: list, now: datetime) -> list[dict]:
    """The parameters of the book's upsert, one set per outcome the book counts."""
    return [{"entry_user": user_id, "entry_question": qid, "now": now,
             "wrong": 0 if fraction >= FULL_CREDIT else 1}
            for qid, kind, fraction in (o for o in outcomes if o is not None)
            if practisable(kind)]


def at_once_params(dialect: str, user_id: int, params: list[dict], now: datetime
                   ) -> dict | None:
    """The parameters of `_note_statement(…, at_once=True)` for these outcomes; None when
    the database cannot take rows at once or a question comes twice."""
    questions = [p["entry_question"] for p in params]
    if not given_rows.supported(dialect) or len(set(questions)) != len(questions):
        return None
    return {"entry_user": user_id, "now": now, **given_rows.params(
        dialect, "given", GIVEN, [(p["entry_question"], p["wrong"]) for p in params])}


def forget_entries() -> None:
    """The book was written behind the ORM's back: its entries are read again when asked."""
    for entry in [o for o in db.session.identity_map.values() if isinstance(o, WrongQuestion)]:
        db.session.expire(entry)


@lru_cache(maxsize=8)
def _note_statement(_dialect: str, at_once: bool = False, only_if=None):
    """The book's rule as one upsert, built once per worker and database. The row inserted
    for a wrong answer (`wrong` = 1) is a new entry; a right answer inserts nothing (the
    SELECT's WHERE) unless the question is in the book, where it only conflicts. On
    conflict, every SET expression reads the entry as it was:

    - wrong: `wrong_count` + 1, streak 0, back in the book (`cleared_at` NULL; `added_at`
      now if it had left);
    - right, in the book: streak + 1, and out of it (`cleared_at` now) at STREAK_TO_LEAVE;
    - right, already out: only `last_answered_at` moves.

    `at_once`: the questions and their `wrong` given as rows (`given_rows`), each question
    once (PostgreSQL's ON CONFLICT may change a row once per statement). `only_if`: a further
    condition on every row (交卷's claim, `hand_in`)."""
    table = WrongQuestion.__table__
    user = bindparam("entry_user", type_=Integer)
    now = bindparam("now", type_=UTCDateTime())
    source = select(user)
    if at_once:
        given = given_rows.given(_dialect, "given", GIVEN)
        question, wrong = given.c.question, given.c.wrong
        source = source.select_from(given)
    else:
        question = bindparam("entry_question", type_=Integer)
        wrong = bindparam("wrong", type_=Integer)
    known = exists().where(table.c.user_id == user, table.c.question_id == question)
    source = source.add_columns(question, wrong, literal(0, Integer), now, now).where(
        or_(wrong == 1, known))
    if only_if is not None:
        source = source.where(only_if)
    statement = insert_statement(table).from_select(
        ["user_id", "question_id", "wrong_count", "correct_streak", "added_at",
         "last_answered_at"], source)
    new, old, is_wrong = statement.excluded, table.c, statement.excluded.wrong_count == 1
    in_book = old.cleared_at.is_(None)
    return statement.on_conflict_do_update(index_elements=["user_id", "question_id"], set_={
        "last_answered_at": new.last_answered_at,
        "wrong_count": old.wrong_count + new.wrong_count,
        "correct_streak": case((is_wrong, 0), (in_book, old.correct_streak + 1),
                               else_=old.correct_streak),
        "cleared_at": case((is_wrong, null()),
                           (and_(in_book, old.correct_streak + 1 >= STREAK_TO_LEAVE),
                            new.last_answered_at),
                           else_=old.cleared_at),
        "added_at": case((and_(is_wrong, old.cleared_at.is_not(None)), new.added_at),
                         else_=old.added_at)})


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
