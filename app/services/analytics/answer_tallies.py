"""The maintained answer tallies of the quiz analytics (`QuizAnswerTally`, table
quiz_answer_tallies): for each quiz, how many of its takers (`quiz_takers`, their first
finished exam attempt) gave an answer of each kind — (question, version asked, the taker's
percent, graded, fraction, response of a choice question as JSON text). The item analysis and
the option distribution without filters add these up (`quiz_stats`, `quiz_options`) instead of
reading the 20 answers of every taker: a few thousand rows whatever the number of takers.

Integer counts, so exact whatever the order of events. Kept by `taker_rows.attempt_finished`
(the one place an attempt becomes finished or is regraded): when the quiz's taker row of a
person is created, replaced by an earlier attempt or regraded, the old taker attempt's answers
are subtracted and the new ones added. A regrade changes an answer's fraction before the
attempt is totalled again; `regrading(answer)` (called by `grading.grade_by_hand` before it
changes the grade) remembers the fraction that was counted. `recomputed` is the definition;
`rebuild` and `differences` serve `flask --app wsgi analytics rebuild [--check]`.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from sqlalchemy import (
    Double,
    Integer,
    Text,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    select,
)

from app.extensions import db
from app.models import AttemptQuestion, Question, QuizAnswerTally, QuizTaker
from app.services.records import insert_statement

CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")
KEY = ("quiz_id", "question_id", "version_id", "percent", "graded", "fraction", "response")
_REGRADED = "analytics_regraded_fractions"


def _response_key():
    """The response as counted: JSON text of a choice question's response ('null' when there
    is none), '' for other types (their responses are not counted)."""
    return case((Question.type.in_(CHOICE_TYPES),
                 func.coalesce(cast(AttemptQuestion.response, Text), "null")), else_="")


_ANSWERS = (select(AttemptQuestion.id, AttemptQuestion.question_id, AttemptQuestion.version_id,
                   AttemptQuestion.fraction, _response_key().label("response"))
            .join(Question, Question.id == AttemptQuestion.question_id)
            .where(AttemptQuestion.attempt_id == bindparam("attempt_id")))  # built once


def _answers_of(attempt_id: int) -> list:
    """(answer id, question id, version id, fraction, response key) of an attempt (one
    statement)."""
    return db.session.execute(_ANSWERS, {"attempt_id": attempt_id}).all()


def regrading(answer) -> None:
    """Remember the fraction an answer had before a person regrades it (the tallies counted
    that one); `attempt_finished` takes it back when the attempt is totalled again."""
    db.session.info.setdefault(_REGRADED, {})[answer.id] = answer.fraction


def forget_regrades() -> None:
    """The attempt regraded is not (or no longer) a quiz's taker: nothing to take back."""
    db.session.info.pop(_REGRADED, None)


def tally(quiz_id: int, percent: float, answers, sign: int, counter: Counter,
          fractions: dict | None = None) -> None:
    """Add (sign 1) or subtract (−1) a taker's answers; `fractions` replaces the fraction of
    regraded answers by the one counted before."""
    for answer_id, question_id, version_id, fraction, response in answers:
        if fractions and answer_id in fractions:
            fraction = fractions[answer_id]
        key = (quiz_id, question_id, version_id, percent, fraction is not None,
               fraction if fraction is not None else 0.0, response)
        counter[key] += sign


def apply(counter: Counter) -> None:
    """Write the changes: one INSERT … ON CONFLICT DO UPDATE (executemany), rows in key order
    (two transactions lock the same rows in the same order: no deadlock); rows counted down
    to nothing are deleted."""
    changes = [dict(zip(KEY, key, strict=True), people=people)
               for key, people in sorted(counter.items(), key=lambda item: repr(item[0]))
               if people]
    if not changes:
        return
    statement = insert_statement(QuizAnswerTally)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"people": QuizAnswerTally.__table__.c.people + statement.excluded.people}),
        changes)
    if any(change["people"] < 0 for change in changes):
        db.session.execute(delete(QuizAnswerTally).where(
            QuizAnswerTally.quiz_id == changes[0]["quiz_id"], QuizAnswerTally.people <= 0))


@cache
def _added(_dialect: str):
    """INSERT … SELECT … ON CONFLICT DO UPDATE: a new taker's answers added in SQL, rows in
    key order. Parameters quiz_id, percent, attempt_id. Built once per database dialect (the
    first call, inside the app)."""
    graded = AttemptQuestion.fraction.is_not(None)
    columns = (bindparam("quiz_id", type_=Integer), AttemptQuestion.question_id,
               AttemptQuestion.version_id, bindparam("percent", type_=Double),
               case((graded, True), else_=False),
               func.coalesce(AttemptQuestion.fraction, 0.0), _response_key())
    rows = (select(*columns, func.count())
            .join(Question, Question.id == AttemptQuestion.question_id)
            .where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
            .group_by(*columns[1:3], *columns[4:]).order_by(*columns[1:3], *columns[4:]))
    table = QuizAnswerTally.__table__  # a Core INSERT: parameters, not rows to insert
    statement = insert_statement(table).from_select([*KEY, "people"], rows)
    return statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"people": table.c.people + statement.excluded.people})


def added_for_taker_when(new_taker, grades):
    """PostgreSQL, for 交卷's one statement (`hand_in`): `_added` for the attempt `of_attempt`
    when the CTE `new_taker` inserted its taker row, each answer's fraction the one `grades`
    gives (graded by the same statement, whose writes it cannot see) or as stored; parameters
    `taker_quiz_id`, `taker_percent`."""
    fraction = func.coalesce(grades.c.fraction, AttemptQuestion.fraction)
    graded = fraction.is_not(None)
    columns = (bindparam("taker_quiz_id", type_=Integer), AttemptQuestion.question_id,
               AttemptQuestion.version_id, bindparam("taker_percent", type_=Double),
               case((graded, True), else_=False), func.coalesce(fraction, 0.0), _response_key())
    answers = AttemptQuestion.__table__
    rows = (select(*columns, func.count())
            .select_from(answers.join(Question.__table__, Question.id == answers.c.question_id)
                         .outerjoin(grades, grades.c.id == answers.c.id))
            .where(answers.c.attempt_id == bindparam("of_attempt", type_=Integer),
                   select(new_taker.c.attempt_id).exists())
            .group_by(*columns[1:3], *columns[4:]).order_by(*columns[1:3], *columns[4:]))
    table = QuizAnswerTally.__table__
    statement = insert_statement(table).from_select([*KEY, "people"], rows)
    return statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"people": table.c.people + statement.excluded.people})


def taker_changed(quiz_id: int, new: tuple | None, old: tuple | None) -> None:
    """The person's taker of the quiz changed from `old` to `new`, each (attempt id,
    percent) or None: the tallies follow (a new taker: one statement; a replacement or a
    regrade: 2–4)."""
    regraded = db.session.info.pop(_REGRADED, {})
    if old is None and new is not None:
        db.session.execute(_added(db.session.get_bind().dialect.name),
                           {"quiz_id": quiz_id, "percent": new[1], "attempt_id": new[0]})
        return
    counter: Counter = Counter()
    if old is not None:
        old_answers = (_answers_of(old[0]) if new is None or new[0] != old[0] else None)
        if old_answers is None:  # a regrade of the same attempt: its answers as counted
            new_answers = _answers_of(new[0])
            tally(quiz_id, old[1], new_answers, -1, counter, regraded)
            tally(quiz_id, new[1], new_answers, 1, counter)
            apply(counter)
            return
        tally(quiz_id, old[1], old_answers, -1, counter)
    if new is not None:
        tally(quiz_id, new[1], _answers_of(new[0]), 1, counter)
    apply(counter)


def recomputed():
    """SELECT of every tally row from quiz_takers and the answers: the definition."""
    graded = AttemptQuestion.fraction.is_not(None)
    columns = (QuizTaker.quiz_id, AttemptQuestion.question_id, AttemptQuestion.version_id,
               QuizTaker.percent, case((graded, True), else_=False).label("graded"),
               func.coalesce(AttemptQuestion.fraction, 0.0).label("fraction"),
               _response_key().label("response"))
    return (select(*columns, func.count().label("people"))
            .join(AttemptQuestion, AttemptQuestion.attempt_id == QuizTaker.attempt_id)
            .join(Question, Question.id == AttemptQuestion.question_id)
            .group_by(*columns))


def rebuild() -> int:
    """Replace every row by the recomputed ones (two statements); the number of rows."""
    db.session.execute(delete(QuizAnswerTally))
    db.session.execute(insert(QuizAnswerTally).from_select([*KEY, "people"], recomputed()))
    return db.session.scalar(select(func.count()).select_from(QuizAnswerTally))


def _normal(row) -> tuple:
    return (*row[:4], bool(row[4]), float(row[5]), row[6], int(row[7]))


def differences() -> tuple[set, set]:
    """(rows only in the table, rows only recomputed): both empty when the table is exact."""
    table = QuizAnswerTally.__table__.c
    stored = {_normal(row) for row in db.session.execute(
        select(*(table[name] for name in KEY), table.people).where(table.people != 0))}
    expected = {_normal(row) for row in db.session.execute(recomputed())}
    return stored - expected, expected - stored

