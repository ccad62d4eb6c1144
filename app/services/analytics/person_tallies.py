"""The maintained per-person question tallies (`PersonQuestionTally`, table
quiz_question_person_tallies): for each person, quiz and question, the number of graded answers
(fraction not NULL) in the person's FINISHED attempts of the quiz — every mode, every attempt,
not only the first — and the sum of their fractions. The team dashboard's weakest questions
add these up for the people and quizzes in view (`reports.dashboard.weakest_questions`):
a row per person and question asked, however many times the team took the quizzes.

Kept by `attempt_finished`, called by `grading.finished`, the one place an attempt becomes
finished (交卷, the last short answer graded, a deadline) or is totalled again after a regrade:
a newly finished attempt's graded answers are added by one INSERT … SELECT … ON CONFLICT DO
UPDATE (increments: two transactions adding to the same row both count, on PostgreSQL and on
SQLite); a regrade adds the difference between the fraction counted — remembered by
`regrading(answer)`, which `grading.grade_by_hand` calls before it changes a grade — and the
new one. Finished attempts and their answers are never deleted nor reopened, so nothing else
changes the figures. `recomputed` is the definition; `rebuild` and `differences` serve `flask
--app wsgi analytics rebuild [--check]`.

The answer counts are exact integers. The sums are floating point: added in another order
than a recomputation adds them (and a regrade subtracts), they can differ from it in the last
bits, so `differences` compares them within 1e-9.
"""

from __future__ import annotations

import math
from functools import cache

from sqlalchemy import Double, Integer, bindparam, delete, func, insert, select

from app.extensions import db
from app.models import AttemptQuestion, PersonQuestionTally, QuizAttempt
from app.models.attempts import FINISHED
from app.services import given_rows
from app.services.records import insert_statement

KEY = ("quiz_id", "user_id", "question_id")
COLUMNS = (*KEY, "answers", "fraction_sum")
TOLERANCE = 1e-9
_REGRADED = "person_tallies_regraded"


def regrading(answer: AttemptQuestion) -> None:
    """Remember the fraction a person is about to replace, when the tallies counted it (the
    answer's attempt is finished): `attempt_finished` adds the difference."""
    attempt = answer.attempt
    if attempt.state == FINISHED and attempt.quiz_id is not None:
        db.session.info.setdefault(_REGRADED, {}).setdefault(attempt.id, {})[answer.id] = (
            answer.fraction)


def attempt_finished(attempt: QuizAttempt) -> None:
    """Count a just finished attempt's graded answers (one statement), or a regraded one's
    changes (one statement, none when the grade is the same; a second when a count falls to
    nothing)."""
    regraded = db.session.info.get(_REGRADED, {}).pop(attempt.id, None)
    if attempt.quiz_id is None or attempt.state != FINISHED:
        return
    if regraded is None:
        db.session.execute(_added(db.session.get_bind().dialect.name),
                           {"quiz_id": attempt.quiz_id, "user_id": attempt.user_id,
                            "attempt_id": attempt.id})
    else:
        _apply_regrade(attempt, regraded)


@cache
def _upsert(dialect: str):
    """INSERT … ON CONFLICT (quiz, person, question) DO UPDATE adding the counts and sums (a
    Core statement, built once per database dialect)."""
    table = PersonQuestionTally.__table__
    statement = insert_statement(table)
    return statement, {"answers": table.c.answers + statement.excluded.answers,
                       "fraction_sum": table.c.fraction_sum + statement.excluded.fraction_sum}


@cache
def _added(dialect: str):
    """An attempt's graded answers counted per question, added to the person's rows in
    question order (two transactions lock shared rows in the same order). Parameters
    quiz_id, user_id, attempt_id: the attempt's answers alone are read (by their attempt
    index)."""
    statement, increments = _upsert(dialect)
    rows = (select(bindparam("quiz_id", type_=Integer), bindparam("user_id", type_=Integer),
                   AttemptQuestion.question_id, func.count(), func.sum(AttemptQuestion.fraction))
            .where(AttemptQuestion.attempt_id == bindparam("attempt_id"),
                   AttemptQuestion.fraction.is_not(None))
            .group_by(AttemptQuestion.question_id).order_by(AttemptQuestion.question_id))
    return statement.from_select(list(COLUMNS), rows).on_conflict_do_update(
        index_elements=list(KEY), set_=increments)


GIVEN = (("question_id", Integer()), ("answers", Integer()), ("fraction_sum", Double()))


def added_when(held):
    """PostgreSQL, for 交卷's one statement (`hand_in`): `_added` with the attempt's answers
    counted per question in Python and given as rows (`given_params`) — the grades written by
    the same statement are not visible to it — added only when `held` (the claim) is true."""
    statement, increments = _upsert("postgresql")
    given = given_rows.given("postgresql", "tally", GIVEN)
    rows = (select(bindparam("tally_quiz_id", type_=Integer),
                   bindparam("tally_user_id", type_=Integer),
                   given.c.question_id, given.c.answers, given.c.fraction_sum)
            .where(held).order_by(given.c.question_id))
    return statement.from_select(list(COLUMNS), rows).on_conflict_do_update(
        index_elements=list(KEY), set_=increments)


def given_params(attempt: QuizAttempt, rows) -> dict:
    """`added_when`'s parameters: `rows` are every answer of the attempt, graded as stored."""
    counted: dict[int, list] = {}
    for row in rows:
        if row.fraction is not None:
            tally = counted.setdefault(row.question_id, [0, 0.0])
            tally[0] += 1
            tally[1] += row.fraction
    given = [(question, *tally) for question, tally in sorted(counted.items())]
    return {"tally_quiz_id": attempt.quiz_id, "tally_user_id": attempt.user_id,
            **given_rows.params("postgresql", "tally", GIVEN, given)}


def counted_elsewhere(attempt: QuizAttempt) -> None:
    """`added_when` counted a just finished attempt: nothing is left to remember."""
    db.session.info.get(_REGRADED, {}).pop(attempt.id, None)


def _apply_regrade(attempt: QuizAttempt, counted: dict[int, float | None]) -> None:
    """Add, per question, the regraded answers' new fractions less the ones counted."""
    changes: dict[int, list] = {}
    for row in attempt.questions:
        if row.id not in counted or counted[row.id] == row.fraction:
            continue
        change = changes.setdefault(row.question_id, [0, 0.0])
        for fraction, sign in ((counted[row.id], -1), (row.fraction, 1)):
            if fraction is not None:
                change[0] += sign
                change[1] += sign * fraction
    if not changes:
        return
    statement, increments = _upsert(db.session.get_bind().dialect.name)
    db.session.execute(statement.on_conflict_do_update(index_elements=list(KEY),
                                                       set_=increments),
                       [{"quiz_id": attempt.quiz_id, "user_id": attempt.user_id,
                         "question_id": question_id, "answers": answers,
                         "fraction_sum": total}
                        for question_id, (answers, total) in sorted(changes.items())])
    if any(answers < 0 for answers, _total in changes.values()):
        db.session.execute(delete(PersonQuestionTally).where(
            PersonQuestionTally.quiz_id == attempt.quiz_id,
            PersonQuestionTally.user_id == attempt.user_id, PersonQuestionTally.answers <= 0))


def recomputed():
    """SELECT (quiz_id, user_id, question_id, answers, fraction_sum) from the finished
    attempts' graded answers: the definition the table maintains."""
    return (select(QuizAttempt.quiz_id, QuizAttempt.user_id, AttemptQuestion.question_id,
                   func.count(), func.sum(AttemptQuestion.fraction))
            .join(AttemptQuestion, AttemptQuestion.attempt_id == QuizAttempt.id)
            .where(QuizAttempt.state == FINISHED, QuizAttempt.quiz_id.is_not(None),
                   AttemptQuestion.fraction.is_not(None))
            .group_by(QuizAttempt.quiz_id, QuizAttempt.user_id, AttemptQuestion.question_id))


def rebuild() -> int:
    """Replace every row by the recomputed ones (two statements); the number of rows."""
    db.session.execute(delete(PersonQuestionTally))
    db.session.execute(insert(PersonQuestionTally).from_select(list(COLUMNS), recomputed()))
    return db.session.scalar(select(func.count()).select_from(PersonQuestionTally))


def _same(mine: tuple | None, theirs: tuple | None) -> bool:
    return (mine is not None and theirs is not None and mine[0] == theirs[0]
            and math.isclose(mine[1], theirs[1], rel_tol=TOLERANCE, abs_tol=TOLERANCE))


def differences() -> tuple[set, set]:
    """(rows only in the table, rows only recomputed): both empty when the table is exact —
    the same keys and counts, sums equal within their rounding."""
    table = PersonQuestionTally.__table__.c
    stored = {tuple(row[:3]): (int(row[3]), float(row[4])) for row in db.session.execute(
        select(*(table[name] for name in COLUMNS)))}
    expected = {tuple(row[:3]): (int(row[3]), float(row[4]))
                for row in db.session.execute(recomputed())}
    return ({(*key, *value) for key, value in stored.items()
             if not _same(value, expected.get(key))},
            {(*key, *value) for key, value in expected.items()
             if not _same(value, stored.get(key))})
