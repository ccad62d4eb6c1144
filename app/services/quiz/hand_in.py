"""交卷's writes, few and short: the answers are graded in Python before anything is written,
then one conditional UPDATE hands the attempt in and totals it, one UPDATE … FROM the grades
given as rows (`given_rows`) writes the grades, one upsert notes the wrong-question book,
one the quiz's taker row (and the webhook, when an endpoint listens). On SQLite the write
lock is taken by the first of them and held for these few statements only (the reads came
before, outside any transaction).

`attempts.submit` decides which path runs: `graded_then_claimed` when nothing was written
since the answers were read, else the claim-first path, which uses `grade` and `write` too."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

from sqlalchemy import JSON, Boolean, Double, Integer, Text, bindparam, cast, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import AttemptQuestion, QuizAttempt
from app.models.attempts import FINISHED, IN_PROGRESS
from app.models.base import UTCDateTime
from app.services import given_rows
from app.services.analytics import answer_tallies, person_tallies, taker_rows
from app.services.quiz import wrong_book
from app.services.quiz.data import QuestionData
from app.services.quiz.grading import final_values, finished, machine_grade
from app.services.quiz.wrong_book import record_outcomes
from app.services.webhooks import subscribed

Graded = list[tuple[AttemptQuestion, dict, tuple | None]]  # row, its grade, book outcome


def grade(rows: list[AttemptQuestion], questions: dict[int, QuestionData] | None = None
          ) -> Graded:
    """Grade every answer not graded yet (a short answer waits for a person) and hold the
    grades on the rows as if stored: nothing for the ORM to flush (`write` stores them).
    `questions`: version id → its parsed question (`load_for_submit`), else `row.version`."""
    questions = questions or {}
    graded = [(row, *machine_grade(row, questions.get(row.version_id))) for row in rows
              if row.fraction is None and not row.needs_review]
    for row, values, _outcome in graded:
        for name, value in values.items():
            set_committed_value(row, name, value)
    return graded


def write(attempt: QuizAttempt, graded: Graded, now: datetime) -> None:
    """The grades in one UPDATE … WHERE id = ? executemany, then the wrong-question book:
    only answers given count there — a question left blank (not reached before the
    deadline, skipped in a practice round) was not answered wrongly."""
    name = given_rows.dialect()
    if graded and given_rows.supported(name):  # one execution, not one per answer
        db.session.execute(_grades_at_once(name), _grade_params(name, graded))
    elif graded:
        db.session.execute(_grades_statement(), [
            {"row_id": row.id, **values} for row, values, _outcome in graded])
    record_outcomes(attempt.user_id, [outcome for row, _values, outcome in graded
                                      if outcome is not None and row.response is not None],
                    now)


@lru_cache(maxsize=1)
def _grades_statement():
    table = AttemptQuestion.__table__
    return update(table).where(table.c.id == bindparam("row_id"))


GRADE_COLUMNS = (("id", Integer()), ("fraction", Double()), ("feedback", Text()),
                 ("needs_review", Boolean()))


@lru_cache(maxsize=2)
def _grades_at_once(dialect: str):
    """UPDATE … FROM the grades given as rows (`given_rows`): the same statement whatever
    the number of answers."""
    table = AttemptQuestion.__table__
    grades = given_rows.given(dialect, "grade", GRADE_COLUMNS)
    feedback = grades.c.feedback
    if dialect == "postgresql":  # the list as JSON text, made a JSON value here
        feedback = cast(feedback, JSON)
    return (update(table).where(table.c.id == grades.c.id)
            .values(fraction=grades.c.fraction, feedback=feedback,
                    needs_review=grades.c.needs_review))


def graded_then_claimed(attempt: QuizAttempt, rows: list[AttemptQuestion], now: datetime,
                        values: dict, questions: dict[int, QuestionData] | None = None
                        ) -> bool:
    """Grade `rows` — read no earlier than the attempt's `updated_at` — then hand in and
    total with one conditional UPDATE that holds only while `updated_at` is still the one
    read (every saved answer moves it, `claim_open`): an answer or 交卷 that came in between
    makes it match nothing, and False is returned (nothing written, the grades forgotten)."""
    graded = grade(rows, questions)
    final = dict(values, **final_values(attempt, rows, now))
    if "state" in final and attempt.mode == "exam" and attempt.quiz_id is not None:
        subscribed("attempt.graded")  # the endpoints are read before the lock, if at all
    at_once, counted = _claimed_and_written(attempt, rows, graded, final, now)
    if at_once is None:
        claimed = db.session.execute(_claim_statement(), {
            **final, "attempt_id": attempt.id, "open_state": IN_PROGRESS,
            "seen": attempt.updated_at}).rowcount == 1
    else:
        claimed = at_once
    if not claimed:
        for row, _values, _outcome in graded:
            db.session.expire(row)  # read again by the claim-first path
        return False
    for name, value in final.items():
        set_committed_value(attempt, name, value)
    if at_once is None:
        write(attempt, graded, now)
    if "state" in final:
        finished(attempt, counted)
    return True


def _claimed_and_written(attempt: QuizAttempt, rows: list[AttemptQuestion], graded: Graded,
                         final: dict, now: datetime) -> tuple[bool | None, tuple[bool, bool]]:
    """PostgreSQL: the claim, the grades, the book and — for an attempt it finishes — the
    person's question tallies and the quiz's taker row with its answer tallies in one
    statement (`_handed_in`), everything after the claim written only if the claim held;
    (whether it held, (taker row settled, tallies counted)). (None, …) where it does not
    apply (SQLite, nothing graded now, rows not given at once): the caller claims, then
    `write`s."""
    name = given_rows.dialect()
    if name != "postgresql" or not graded or not given_rows.supported(name):
        return None, (False, False)
    outcomes = [outcome for row, _values, outcome in graded
                if outcome is not None and row.response is not None]
    book = wrong_book.outcome_params(attempt.user_id, outcomes, now)
    book_params = book and wrong_book.at_once_params(name, attempt.user_id, book, now)
    if book and book_params is None:
        return None, (False, False)
    person = final.get("state") == FINISHED and attempt.quiz_id is not None
    taker = person and attempt.mode == "exam" and final.get("percent") is not None
    found = db.session.execute(_handed_in(tuple(sorted(final)), bool(book), person, taker), {
        **{f"set_{column}": value for column, value in final.items()},
        "of_attempt": attempt.id, "open_state": IN_PROGRESS, "seen": attempt.updated_at,
        **_grade_params(name, graded), **(book_params or {}),
        **(person_tallies.given_params(attempt, rows) if person else {}),
        **(taker_rows.given_params(attempt, final) if taker else {})}).one()
    claimed = found[0] == 1
    if claimed and book:
        wrong_book.forget_entries()
    settled = claimed and taker and taker_rows.settled(attempt, found[1] == 1, found[2])
    return claimed, (settled, claimed and person)


@lru_cache(maxsize=32)
def _handed_in(columns: tuple[str, ...], book: bool, person: bool, taker: bool):
    """WITH claim AS (UPDATE quiz_attempts SET the columns … WHERE open and unchanged
    RETURNING id), grades AS (`_grades_at_once` … AND the claim held), [book AS (the book's
    upsert … AND the claim held)], [person AS (the person's question tallies, added … AND the
    claim held)], [taker AS (the quiz's taker row, inserted if none … AND the claim held),
    answers AS (its answers added to the answer tallies … if it was inserted)] SELECT the
    claim's count[, the taker's, the taker number already there]. One snapshot for all: what
    follows the claim reads nothing the claim or the grades write (the grades it needs are
    given to it)."""
    table = QuizAttempt.__table__
    claim = (update(table)
             .where(table.c.id == bindparam("of_attempt"),
                    table.c.state == bindparam("open_state"),
                    table.c.updated_at == bindparam("seen", type_=UTCDateTime()))
             .values({column: bindparam(f"set_{column}", type_=table.c[column].type)
                      for column in columns})
             .returning(table.c.id).cte("claim"))
    held = select(claim.c.id).exists()
    ctes = [_grades_at_once("postgresql").where(held).cte("grades")]
    if book:
        ctes.append(wrong_book._note_statement("postgresql", True, held).cte("book"))
    if person:
        ctes.append(person_tallies.added_when(held).cte("person"))
    found = [func.count()]
    if taker:
        new_taker = taker_rows.inserted_when(held).cte("taker")
        grades = given_rows.given("postgresql", "grade", GRADE_COLUMNS)
        ctes += [new_taker, answer_tallies.added_for_taker_when(new_taker, grades).cte("answers")]
        found += [select(func.count()).select_from(new_taker).scalar_subquery(),
                  taker_rows.number_seen()]
    return select(*found).select_from(claim).add_cte(*ctes)


def _grade_params(name: str, graded: Graded) -> dict:
    as_text = name == "postgresql"  # an array of JSON texts there; nested JSON on SQLite
    return given_rows.params(name, "grade", GRADE_COLUMNS, [
        (row.id, values["fraction"],
         json.dumps(values["feedback"], ensure_ascii=False) if as_text else values["feedback"],
         values["needs_review"]) for row, values, _outcome in graded])


@lru_cache(maxsize=1)
def _claim_statement():
    """UPDATE quiz_attempts SET (the columns given) WHERE it is open and unchanged."""
    table = QuizAttempt.__table__
    return update(table).where(table.c.id == bindparam("attempt_id"),
                               table.c.state == bindparam("open_state"),
                               table.c.updated_at == bindparam("seen", type_=UTCDateTime()))
