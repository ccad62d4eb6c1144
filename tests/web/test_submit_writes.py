"""交卷 reads everything it needs before its first write (on SQLite the write lock is held for
the writes alone), writes with a fixed handful of statements, and grades, totals and notes
the wrong-question book exactly as each question's type and the book's rule say."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import PersonQuestionTally, QuizAnswerTally, QuizAttempt, QuizTaker
from app.models.attempts import WrongQuestion
from app.models.webhooks import WebhookEndpoint, WebhookEvent
from app.services import given_rows
from app.services.quiz.data import QuestionData
from app.services.quiz.types import grade_response
from app.services.quiz.wrong_book import FULL_CREDIT, STREAK_TO_LEAVE
from tests.learning_factories import person
from tests.quiz_factories import (
    ALL_TYPES,
    make_quiz,
    multiple,
    numerical,
    short_answer,
    single,
    true_false,
)
from tests.web.quiz_web_helpers import JSON, RIGHT, WRONG, answer, fresh, start, submit


@pytest.fixture(params=["at once", "row by row"])
def writes(request, monkeypatch):
    """Both ways 交卷 writes the grades and the book: as one statement over the rows given
    at once (`given_rows`), and an executemany, which an SQLite older than 3.38 keeps."""
    if request.param == "row by row":
        monkeypatch.setattr(given_rows, "supported", lambda *_args: False)
    return request.param


def _signed_in(client, auth):
    auth.as_role("employee")
    return client


def _statements(call) -> list[str]:
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert call().status_code == 302
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return seen


def _answered(client, slug: str, answers: list[dict | None]) -> int:
    attempt_id = start(client, slug)
    for position, fields in enumerate(answers):
        if fields is not None:
            assert answer(client, attempt_id, position, fields, headers=JSON).status_code == 200
    return attempt_id


def test_a_20_question_submit_reads_first_then_writes_few_statements(client, auth, demo,
                                                                     users_not_kept):
    """user, the attempt ⟕ answers ⟕ versions; then the claim (hand in and total), the
    grades, the book, the taker row, (a first taker) their answers added to the quiz's
    answer tallies and the attempt's answers added to the person's question tallies (the
    team dashboard's) — whatever the number of questions; on PostgreSQL all the writes are
    one statement (WITH claim AS (UPDATE …), grades AS (UPDATE …), book AS (INSERT …),
    person AS (INSERT …), taker AS (INSERT …), answers AS (INSERT …) SELECT …). A second 交卷
    reads and writes nothing more than the attempt."""
    employee = _signed_in(client, auth)
    make_quiz([single(stem=f"第{n}题") for n in range(20)], slug="twenty", mode="exam")
    attempt_id = _answered(employee, "twenty", [RIGHT["single_choice"]] * 19
                           + [WRONG["single_choice"]])
    writes = (["WITH"] if db.engine.dialect.name == "postgresql"
              else ["UPDATE", "UPDATE", "INSERT", "INSERT", "INSERT", "INSERT"])
    assert _statements(lambda: submit(employee, attempt_id)) == ["SELECT", "SELECT", *writes]
    assert fresh(attempt_id).score == 19.0
    assert _statements(lambda: submit(employee, attempt_id)) == ["SELECT", "SELECT"]


def test_with_a_webhook_listening_the_endpoints_are_read_before_the_first_write(
        client, auth, demo, users_not_kept):
    employee = _signed_in(client, auth)
    db.session.add(WebhookEndpoint(url="https://hr.example.com/hook", description="HR",
                                   secret="s" * 32, events=["attempt.graded"], active=True))
    db.session.commit()
    make_quiz([single(), true_false()], slug="heard", mode="exam")
    attempt_id = _answered(employee, "heard", [RIGHT["single_choice"], RIGHT["true_false"]])
    kinds = _statements(lambda: submit(employee, attempt_id))
    first_write = min(kinds.index(kind) for kind in ("UPDATE", "INSERT", "WITH")
                      if kind in kinds)
    assert kinds[:first_write] == ["SELECT"] * 3  # user, attempt, endpoints
    submit(employee, attempt_id)  # again: nothing more is emitted
    events = db.session.scalars(select(WebhookEvent).where(
        WebhookEvent.type == "attempt.graded")).all()
    assert [event.payload["attempt_id"] for event in events] == [attempt_id]
    assert events[0].payload["score"] == 2.0 and events[0].payload["passed"] is True


def _reference(row) -> tuple:
    """How one saved answer is graded, straight from its question type."""
    grade = grade_response(QuestionData.from_dict(row.version.data), row.response)
    return grade.fraction, [str(text) for text in grade.feedback], grade.needs_review


def test_every_type_is_graded_as_its_type_says_and_the_attempt_totalled(client, auth, demo,
                                                                       writes):
    employee = _signed_in(client, auth)
    kinds = [make().type for make in ALL_TYPES]
    make_quiz([make() for make in ALL_TYPES] + [multiple(stem="部分对"), numerical(stem="空")],
              slug="every", mode="exam")
    given = [RIGHT[kind] if n % 2 == 0 or kind == "short_answer" else WRONG[kind]
             for n, kind in enumerate(kinds)] + [{"response": ["0"]}, None]
    attempt_id = _answered(employee, "every", given)
    submit(employee, attempt_id)
    attempt = fresh(attempt_id)
    assert attempt.state == "grading" and attempt.score is None  # the short answer waits
    for row in attempt.questions:
        assert (row.fraction, row.feedback, row.needs_review) == _reference(row), row.rank
    assert [row.fraction for row in attempt.questions] == [
        1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, None, 0.5, 0.0]
    assert attempt.questions[-1].response is None

    quiz = make_quiz([single(), multiple(), true_false()], slug="mark", mode="exam",
                     pass_percent=50.0)
    quiz.items[2].must_pass = True  # answered wrongly: the exam fails at 50 %
    db.session.commit()
    attempt_id = _answered(employee, "mark", [RIGHT["single_choice"], {"response": ["0"]},
                                              WRONG["true_false"]])
    submit(employee, attempt_id)
    attempt = fresh(attempt_id)
    fractions = [row.fraction for row in attempt.questions]
    assert fractions == [1.0, 0.5, 0.0]
    assert (attempt.state, attempt.score, attempt.max_score, attempt.percent, attempt.passed) \
        == ("finished", 1.5, 3.0, 50.0, False)
    taker = db.session.get(QuizTaker, (attempt.quiz_id, attempt.user_id))
    assert (taker.attempt_id, taker.percent, taker.passed) == (attempt_id, 50.0, False)

    # short answers only: every grade written is "waiting", no fraction at all (on
    # PostgreSQL the grades' VALUES list then has a column of NULLs only)
    make_quiz([short_answer(stem="第一问"), short_answer(stem="第二问")], slug="words",
              mode="exam")
    attempt_id = _answered(employee, "words", [RIGHT["short_answer"]] * 2)
    submit(employee, attempt_id)
    attempt = fresh(attempt_id)
    assert attempt.state == "grading"
    assert [(row.fraction, row.needs_review) for row in attempt.questions] == [(None, True)] * 2


def _noted(entry: dict | None, right: bool | None, now) -> dict | None:
    """The book's rule (docs/grading.md) as the previous code applied it, one answer at a
    time: blank counts neither way; wrong adds (or brings back) and resets the streak; right
    counts towards leaving, and STREAK_TO_LEAVE in a row take the question out."""
    if right is None or (entry is None and right):
        return entry
    entry = dict(entry or {"wrong_count": 0, "correct_streak": 0, "added_at": now,
                           "cleared_at": None})
    if not right:
        if entry["cleared_at"] is not None:
            entry["cleared_at"], entry["added_at"] = None, now
        entry["wrong_count"] += 1
        entry["correct_streak"] = 0
    elif entry["cleared_at"] is None:
        entry["correct_streak"] += 1
        if entry["correct_streak"] >= STREAK_TO_LEAVE:
            entry["cleared_at"] = now
    entry["last_answered_at"] = now
    return entry


def test_the_book_after_four_exams_is_what_the_rule_gives_answer_by_answer(
        client, auth, demo, writes):
    employee = _signed_in(client, auth)
    quiz = make_quiz([single(), true_false(), single(stem="第三题"), numerical()],
                     slug="book", mode="exam")
    kinds = ["single_choice", "true_false", "single_choice", "numerical"]
    rounds = [[False, True, False, None], [True, True, False, False],
              [True, False, True, True], [False, True, True, True]]
    expected: dict[int, dict] = {}
    for answers in rounds:
        attempt_id = _answered(employee, "book", [
            None if right is None else (RIGHT if right else WRONG)[kind]
            for kind, right in zip(kinds, answers, strict=True)])
        submit(employee, attempt_id)
        attempt = fresh(attempt_id)
        for row, right in zip(attempt.questions, answers, strict=True):
            assert right is None or (row.fraction >= FULL_CREDIT) == right
            noted = _noted(expected.get(row.question_id), right, attempt.submitted_at)
            if noted is not None:
                expected[row.question_id] = noted
    me = person("employee")
    book = {entry.question_id: {"wrong_count": entry.wrong_count,
                                "correct_streak": entry.correct_streak,
                                "added_at": entry.added_at, "cleared_at": entry.cleared_at,
                                "last_answered_at": entry.last_answered_at}
            for entry in db.session.scalars(select(WrongQuestion).where(
                WrongQuestion.user_id == me.id))}
    assert book == expected and len(book) == 4
    assert [book[item.question_id]["cleared_at"] is None for item in quiz.items] == [
        True, True, False, False]


def test_a_claim_that_fails_writes_no_grade_no_book_entry_and_no_tally(client, auth, demo,
                                                                       writes):
    """交卷 graded before its claim; an answer came in meanwhile (the attempt's `updated_at`
    moved), so the claim matches nothing: neither the grades, the book, the taker row nor
    any tally may be written — on PostgreSQL they are in the claim's own statement,
    conditional on it."""
    from app.models.base import utcnow
    from app.services.quiz import attempts, hand_in

    employee = _signed_in(client, auth)
    make_quiz([single(), true_false()], slug="moved", mode="exam")
    attempt_id = _answered(employee, "moved", [WRONG["single_choice"], WRONG["true_false"]])
    me = person("employee")
    found, questions = attempts.load_for_submit(attempt_id, me)
    seen = found.updated_at
    db.session.execute(QuizAttempt.__table__.update().where(
        QuizAttempt.__table__.c.id == attempt_id).values(updated_at=utcnow()))
    found.updated_at = seen  # what 交卷 read, before the answer that moved it
    values = dict(state="grading", submitted_at=utcnow(), auto_submitted=False,
                  updated_at=utcnow())
    assert not hand_in.graded_then_claimed(found, found.questions, utcnow(), values, questions)
    db.session.commit()
    db.session.expire_all()
    assert fresh(attempt_id).state == "in_progress"
    assert [row.fraction for row in fresh(attempt_id).questions] == [None, None]
    assert db.session.scalars(select(WrongQuestion).where(
        WrongQuestion.user_id == me.id)).all() == []
    for model in (QuizTaker, QuizAnswerTally, PersonQuestionTally):
        assert db.session.scalars(select(model).where(model.quiz_id == found.quiz_id)).all() == []
