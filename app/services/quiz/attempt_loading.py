"""An open attempt as the question page and autosave read it: the attempt with its quiz,
then its questions with the version of the one question asked joined in (two statements;
selectinload then a lazy load of that version were three). The other questions' versions
stay unloaded: the page shows one question, the map needs only whether each is answered."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import AttemptQuestion, QuestionVersion, QuizAttempt, User
from app.services.quiz.attempts import load_attempt


def load_attempt_at(attempt_id: int, user: User, position: int | None) -> QuizAttempt:
    """The user's own attempt (NotFound otherwise), its questions in order and the version
    of the question at `position` (None: where the taker was, `current_rank`). A position
    outside the attempt joins no version: it is read when asked for, as before."""
    attempt = load_attempt(attempt_id, user, questions=False)
    rank = attempt.current_rank if position is None else position
    rows = db.session.execute(
        select(AttemptQuestion, QuestionVersion)
        .outerjoin(QuestionVersion, and_(QuestionVersion.id == AttemptQuestion.version_id,
                                         AttemptQuestion.rank == rank))
        .where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(AttemptQuestion.rank)).all()
    for row, version in rows:
        if version is not None:
            set_committed_value(row, "version", version)
    set_committed_value(attempt, "questions", [row for row, _version in rows])
    return attempt
