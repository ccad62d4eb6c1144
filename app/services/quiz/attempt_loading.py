"""Reading an attempt: with its quiz, questions and versions (`load_attempt`), as stored now
after a claim (`questions_as_stored`), and as the question page and autosave read it
(`load_attempt_at`): the attempt with its quiz, then its questions with the version of the
one question asked joined in (two statements; selectinload then a lazy load of that
version were three). The other questions' versions stay unloaded there: the page shows one
question, the map needs only whether each is answered. The statements are built once per
worker, with bound parameters."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, Text, and_, bindparam, cast, inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import AttemptQuestion, QuestionVersion, QuizAttempt, User
from app.services import loaded
from app.services.errors import NotFound
from app.services.quiz.data import QuestionData
from app.services.quiz.grading import stored_question
from app.services.webhooks import outbox


def load_attempt_at(attempt_id: int, user: User, position: int | None) -> QuizAttempt:
    """The user's own attempt (NotFound otherwise), its questions in order and the version
    of the question at `position` (None: where the taker was, `current_rank`). A position
    outside the attempt joins no version: it is read when asked for, as before."""
    attempt = load_attempt(attempt_id, user, questions=False)
    rank = attempt.current_rank if position is None else position
    rows = db.session.execute(_statement(), {"attempt_id": attempt.id, "rank": rank}).all()
    for row, version in rows:
        if version is not None:
            set_committed_value(row, "version", version)
    set_committed_value(attempt, "questions", [row for row, _version in rows])
    return attempt


@lru_cache(maxsize=1)
def _statement() -> Select:
    """Built once per worker, with bound parameters."""
    return (select(AttemptQuestion, QuestionVersion)
            .outerjoin(QuestionVersion, and_(QuestionVersion.id == AttemptQuestion.version_id,
                                             AttemptQuestion.rank == bindparam("rank")))
            .where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
            .order_by(AttemptQuestion.rank))


def load_attempt(attempt_id: int, user: User, *, questions: bool = True,
                 versions: bool = True) -> QuizAttempt:
    """The user's own attempt with its quiz, its questions and the versions they ask: two
    statements. Without `versions` (only the version asked is read, when first needed) or
    without `questions` (交卷 reads them after its claim), less. NotFound otherwise: another
    employee's attempt does not exist for them."""
    attempt = db.session.execute(_attempt_statement(questions, versions and questions), {
        "attempt_id": attempt_id, "attempt_user": user.id}).scalar_one_or_none()
    if attempt is None:
        raise NotFound(_l("This attempt does not exist."))
    return attempt


@lru_cache(maxsize=4)
def _attempt_statement(questions: bool, versions: bool) -> Select:
    """`load_attempt`'s statement, built once per worker (with bound parameters): building
    it cost more than running it on every question page, autosave and 交卷."""
    query = (select(QuizAttempt).where(QuizAttempt.id == bindparam("attempt_id"),
                                       QuizAttempt.user_id == bindparam("attempt_user"))
             .options(joinedload(QuizAttempt.quiz)))
    if questions:
        rows = selectinload(QuizAttempt.questions)
        query = query.options(rows.joinedload(AttemptQuestion.version, innerjoin=True)
                              if versions else rows)
    return query


def load_for_submit(attempt_id: int, user: User, *, confirmed: bool = False
                    ) -> tuple[QuizAttempt, dict[int, QuestionData]]:
    """交卷's one read: the user's own attempt (NotFound otherwise) with its questions, each
    version's question by version id, and whether any webhook endpoint is active (when none
    is, `emit` reads nothing more) — in one statement, so the answers are exactly those of
    the `updated_at` read with them, which 交卷's claim checks. The versions come as their
    stored text, parsed once per worker (`grading.stored_question`); `row.version` and the
    quiz are not loaded (read if asked for). `confirmed` (交卷 confirmed, nothing shown but the
    redirect): the answers' columns that grading and handing in never read — the shuffled
    layout, the feedback it replaces, a grader's marks — are not read at all (decoding their
    JSON was a tenth of 交卷's CPU), and the objects are made from a Core statement's rows
    (`_load_confirmed`)."""
    if confirmed:
        return _load_confirmed(attempt_id, user)
    rows = db.session.execute(_submit_statement(), {
        "attempt_id": attempt_id, "attempt_user": user.id}).all()
    if not rows:
        raise NotFound(_l("This attempt does not exist."))
    attempt, questions = rows[0][0], {}
    for _attempt, row, text, _listening in rows:
        if row is not None:
            questions[row.version_id] = stored_question(text)
    set_committed_value(attempt, "questions", [row for _a, row, _t, _l in rows if row is not None])
    if not rows[0][3]:
        outbox.none_active()
    return attempt, questions


def _load_confirmed(attempt_id: int, user: User) -> tuple[QuizAttempt, dict[int, QuestionData]]:
    """`load_for_submit` of a confirmed 交卷: the same statement as a Core one, its objects
    made from the rows (`loaded`, as the signed-in user's are) — building them through the
    ORM's loading was a third of 交卷's own CPU. The answers' columns 交卷 never reads are
    not selected (a use would read them: statement counts would show it)."""
    session = db.session()  # the request's session itself: not looked up again per object
    if session.autoflush:
        session.flush()
    rows = session.connection().execute(_confirmed_statement(), {
        "attempt_id": attempt_id, "attempt_user": user.id}).all()
    if not rows:
        raise NotFound(_l("This attempt does not exist."))
    attempts, answers = loaded.width(QuizAttempt), len(_answer_columns())
    attempt = loaded.persistent(session, QuizAttempt, rows[0][:attempts])
    questions, found = {}, []
    for row in rows:
        values = row[attempts:attempts + answers]
        if values[0] is None:  # an attempt without questions (outer join)
            continue
        answer = loaded.persistent(session, AttemptQuestion, values, UNREAD_BY_HAND_IN)
        found.append(answer)
        questions[answer.version_id] = stored_question(row[-2])
    set_committed_value(attempt, "questions", found)
    if not rows[0][-1]:
        outbox.none_active()
    return attempt, questions


def _answer_columns() -> list:
    return loaded.columns_without(AttemptQuestion, UNREAD_BY_HAND_IN)


@lru_cache(maxsize=1)
def _confirmed_statement() -> Select:
    """attempt ⟕ its answers (without UNREAD_BY_HAND_IN) ⟕ their versions' text, and whether a
    webhook endpoint is active, in rank order."""
    answers = AttemptQuestion.__table__
    versions = QuestionVersion.__table__
    attempts = QuizAttempt.__table__
    return (select(*loaded.columns_of(QuizAttempt), *_answer_columns(),
                   cast(versions.c.data, Text), outbox.any_active().label("listening"))
            .select_from(attempts.outerjoin(answers, answers.c.attempt_id == attempts.c.id)
                         .outerjoin(versions, versions.c.id == answers.c.version_id))
            .where(attempts.c.id == bindparam("attempt_id"),
                   attempts.c.user_id == bindparam("attempt_user"))
            .order_by(answers.c.rank))


UNREAD_BY_HAND_IN = ("layout", "feedback", "rubric_marks", "grader_comment", "graded_by_id",
                     "graded_at")


@lru_cache(maxsize=1)
def _submit_statement() -> Select:
    """The first read of the request: nothing of it is in the session yet."""
    return (select(QuizAttempt, AttemptQuestion, cast(QuestionVersion.data, Text),
                   outbox.any_active().label("listening"))
            .outerjoin(AttemptQuestion, AttemptQuestion.attempt_id == QuizAttempt.id)
            .outerjoin(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
            .where(QuizAttempt.id == bindparam("attempt_id"),
                   QuizAttempt.user_id == bindparam("attempt_user"))
            .order_by(AttemptQuestion.rank))


def with_versions(attempt: QuizAttempt) -> QuizAttempt:
    """The versions of all the attempt's questions (loaded without them), in one statement."""
    rows = [row for row in attempt.questions if "version" in inspect(row).unloaded]
    if rows:
        versions = {version.id: version for version in db.session.execute(
            select(QuestionVersion).where(QuestionVersion.id.in_(
                {row.version_id for row in rows}))).scalars()}
        for row in rows:
            set_committed_value(row, "version", versions[row.version_id])
    return attempt


def questions_as_stored(attempt: QuizAttempt, *, versions: bool = False
                        ) -> list[AttemptQuestion]:
    """The attempt's questions read again (one statement): after `claim_open` or the claim of
    `submit`, what a racing request committed just before is seen."""
    known = {} if versions or "questions" in inspect(attempt).unloaded else {
        row.id: row.version for row in attempt.questions
        if "version" not in inspect(row).unloaded}
    rows = list(db.session.execute(_stored_statement(versions),
                                   {"attempt_id": attempt.id}).scalars())
    for row in rows:  # versions never change: the ones read already are kept, not read again
        if row.id in known:
            set_committed_value(row, "version", known[row.id])
    set_committed_value(attempt, "questions", rows)
    return rows


@lru_cache(maxsize=2)
def _stored_statement(versions: bool) -> Select:
    query = (select(AttemptQuestion).where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
             .order_by(AttemptQuestion.rank).execution_options(populate_existing=True))
    if versions:
        query = query.options(joinedload(AttemptQuestion.version, innerjoin=True))
    return query
