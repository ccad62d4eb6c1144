"""The maintained takers of the quiz analytics (`QuizTaker`, table quiz_takers): one row per
person and quiz, their first finished exam attempt (lowest attempt number) with its percent
and pass. `takers.first_attempts` reads it when no date range is chosen, instead of ranking
every attempt of the quiz (or, on the analytics index, of every quiz) on each request.

Exact, never stale: `attempt_finished` is called by `grading.finish_if_graded`, the one place
an attempt becomes finished — 交卷 graded by the machine, the last short answer graded by a
person, a regrade, a deadline handing the attempt in. Finished attempts are never deleted and
never reopened, so a row only changes to a lower attempt number (an earlier attempt graded
later) or to new figures of the same attempt (a regrade). `rebuild` recomputes the table from
the attempts (`flask --app wsgi analytics rebuild`); `differences` compares the two.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Integer, bindparam, delete, func, insert, select, update

from app.extensions import db
from app.models import QuizAttempt, QuizTaker
from app.models.attempts import FINISHED
from app.services.analytics import answer_tallies
from app.services.records import insert_statement

regrading = answer_tallies.regrading  # grading.grade_by_hand, before it changes a grade

COLUMNS = ("quiz_id", "user_id", "attempt_id", "number", "percent", "passed")


def counts(attempt: QuizAttempt) -> bool:
    """Whether a finished attempt can be a quiz's taker (an exam attempt of a quiz)."""
    return (attempt.quiz_id is not None and attempt.mode == "exam"
            and attempt.state == FINISHED and attempt.percent is not None)


_CURRENT = (select(QuizTaker.attempt_id, QuizTaker.number, QuizTaker.percent)
            .where(QuizTaker.quiz_id == bindparam("quiz_id"),
                   QuizTaker.user_id == bindparam("user_id"))
            .with_for_update())  # built once


def _values(attempt: QuizAttempt) -> dict:
    return {"quiz_id": attempt.quiz_id, "user_id": attempt.user_id, "attempt_id": attempt.id,
            "number": attempt.number, "percent": attempt.percent, "passed": attempt.passed}


def attempt_finished(attempt: QuizAttempt) -> None:
    """Record a just finished (or regraded) attempt: it becomes the person's taker row of the
    quiz unless an attempt with a lower number is there already, and the answer tallies
    follow (answer_tallies). A first attempt: 2 statements (the row inserted, its answers added
    to the tallies by one INSERT … SELECT); a later one: 1 (the row, locked, read); a
    replacement or a regrade: 4–5."""
    if not counts(attempt):
        answer_tallies.forget_regrades()
        return
    values = _values(attempt)
    if attempt.number == 1 and _inserted(values):
        answer_tallies.taker_changed(attempt.quiz_id, (attempt.id, attempt.percent), None)
        return
    row = db.session.execute(_CURRENT, {"quiz_id": attempt.quiz_id,
                                        "user_id": attempt.user_id}).first()
    if row is None:  # none yet (or one that a racing transaction inserted: locked now)
        if _inserted(values):
            answer_tallies.taker_changed(attempt.quiz_id, (attempt.id, attempt.percent), None)
            return
        row = db.session.execute(_CURRENT, {"quiz_id": attempt.quiz_id,
                                            "user_id": attempt.user_id}).one()
    if row.attempt_id != attempt.id and row.number < attempt.number:
        answer_tallies.forget_regrades()
        return  # an earlier attempt stays the taker
    db.session.execute(update(QuizTaker).where(
        QuizTaker.quiz_id == attempt.quiz_id, QuizTaker.user_id == attempt.user_id)
        .values({name: values[name] for name in ("attempt_id", "number", "percent", "passed")}))
    answer_tallies.taker_changed(attempt.quiz_id, (attempt.id, attempt.percent),
                                 (row.attempt_id, row.percent))


def inserted_when(held):
    """PostgreSQL, for 交卷's one statement (`hand_in`): the attempt becomes the person's taker
    row of the quiz when there is none (INSERT … ON CONFLICT DO NOTHING RETURNING), only when
    `held` (the claim); parameters `taker_<column>` (`given_params`)."""
    table = QuizTaker.__table__
    values = select(*(bindparam(f"taker_{name}", type_=table.c[name].type) for name in COLUMNS))
    return (insert_statement(table).from_select(list(COLUMNS), values.where(held))
            .on_conflict_do_nothing().returning(table.c.attempt_id))


def number_seen():
    """The number of the person's taker attempt of the quiz in the statement's snapshot (NULL:
    none), beside `inserted_when`."""
    return (select(QuizTaker.__table__.c.number)
            .where(QuizTaker.__table__.c.quiz_id == bindparam("taker_quiz_id", type_=Integer),
                   QuizTaker.__table__.c.user_id == bindparam("taker_user_id", type_=Integer))
            .scalar_subquery())


def given_params(attempt: QuizAttempt, final: dict) -> dict:
    """`inserted_when`'s parameters for an attempt about to be totalled with `final`."""
    values = {**_values(attempt), "percent": final["percent"], "passed": final["passed"]}
    return {f"taker_{name}": value for name, value in values.items()}


def settled(attempt: QuizAttempt, inserted: bool, seen: int | None) -> bool:
    """After 交卷's statement: whether its taker row needs nothing more — inserted by it (its
    answers added to the tallies with it), or a lower attempt number is the taker (a row only
    ever moves to a lower number, so it stays). Otherwise `attempt_finished` decides, locked."""
    if inserted or (seen is not None and seen < attempt.number):
        answer_tallies.forget_regrades()
        return True
    return False


def _inserted(values: dict) -> bool:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: whether the row is new (one statement)."""
    statement = _insert(db.session.get_bind().dialect.name)
    return db.session.execute(statement, values).first() is not None


@cache
def _insert(_dialect: str):
    """Built once per database dialect; Core, so the values are parameters, not ORM rows."""
    return (insert_statement(QuizTaker.__table__).on_conflict_do_nothing()
            .returning(QuizTaker.__table__.c.attempt_id))


def recomputed():
    """SELECT (quiz_id, user_id, attempt_id, number, percent, passed) of every taker, from the
    attempts: the definition the table maintains."""
    nth = func.row_number().over(partition_by=(QuizAttempt.quiz_id, QuizAttempt.user_id),
                                 order_by=(QuizAttempt.number, QuizAttempt.id)).label("nth")
    ranked = (select(QuizAttempt.quiz_id, QuizAttempt.user_id, QuizAttempt.id.label("attempt_id"),
                     QuizAttempt.number, QuizAttempt.percent, QuizAttempt.passed, nth)
              .where(QuizAttempt.mode == "exam", QuizAttempt.state == FINISHED,
                     QuizAttempt.percent.is_not(None), QuizAttempt.quiz_id.is_not(None))
              .subquery("ranked"))
    return select(*(ranked.c[name] for name in COLUMNS)).where(ranked.c.nth == 1)


def rebuild() -> int:
    """Replace every row by the recomputed ones (two statements); the number of rows."""
    db.session.execute(delete(QuizTaker))
    db.session.execute(insert(QuizTaker).from_select(list(COLUMNS), recomputed()))
    return db.session.scalar(select(func.count()).select_from(QuizTaker))


def differences() -> tuple[set, set]:
    """(rows only in the table, rows only recomputed): both empty when the table is exact."""
    stored = set(db.session.execute(select(*(QuizTaker.__table__.c[n] for n in COLUMNS))))
    expected = set(db.session.execute(recomputed()))
    return stored - expected, expected - stored
