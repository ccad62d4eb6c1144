"""Grading by people: which attempts a grader may see, the short answers waiting for them
(oldest submitted first) and grading one.

Scope: trainers and administrators see every attempt; a supervisor sees the attempts of the
people of the departments they lead (`services.scope.team_members`). One helper serves the
lists and the single-object checks, so the two cannot disagree. Nobody grades their own
answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, cast, false, func, literal_column, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import AttemptQuestion, QuizAttempt, User
from app.models.attempts import FINISHED, GRADING
from app.models.quiz import Quiz
from app.permissions import Permission, permissions_of
from app.services.errors import DomainError, NotFound
from app.services.quiz.grading import grade_by_hand
from app.services.scope import team_members
from app.services.sql_hints import unindexed
from app.services.validation import clean_multiline

RECENT = 20
MAX_ID = 2**63 - 1


@dataclass
class GradeData:
    points: float | None
    comment: str | None = ""
    rubric: list[int] = field(default_factory=list)  # indexes of the rubric points met
    seen: str | None = None  # grading.grade_token of the grade the page showed


def _sees_everyone(actor: User) -> bool:
    return Permission.AUTHOR_CONTENT in permissions_of(actor.roles)


def _team(actor: User, *, in_sql: bool = False) -> Select | None:
    """SELECT of the ids of the people whose attempts the actor sees; None: everyone."""
    if _sees_everyone(actor):
        return None
    return team_members(actor, in_sql=in_sql).with_only_columns(User.id)


def attempts_in_scope(actor: User, *, in_sql: bool = False) -> Select:
    """SELECT of the quiz attempts the actor may see (`in_sql`: see scope.team_members)."""
    query, team = select(QuizAttempt), _team(actor, in_sql=in_sql)
    return query if team is None else query.where(QuizAttempt.user_id.in_(team))


def _answers(actor: User) -> Select:
    """SELECT of the answers of every submitted attempt but the actor's own (attempt joined)."""
    return (select(AttemptQuestion).join(AttemptQuestion.attempt)
            .where(QuizAttempt.user_id != actor.id,
                   QuizAttempt.state.in_((GRADING, FINISHED))))


def gradable_answers(actor: User, *, in_sql: bool = False) -> Select:
    """SELECT of the answers of submitted attempts in the actor's scope, not their own
    (attempt joined). The scope is the attempt's person (`user_id IN team`): trainers and
    administrators get no condition at all (`id IN (every id)` was what the planners drove
    from)."""
    query, team = _answers(actor), _team(actor, in_sql=in_sql)
    return query if team is None else query.where(QuizAttempt.user_id.in_(team))


def _waiting_only(query: Select) -> Select:
    # 'grading' written out, not bound: a plan prepared once (PostgreSQL's generic plan)
    # can then still use the partial index ix_quiz_attempts_grading_user
    return query.where(AttemptQuestion.needs_review.is_(True),
                       QuizAttempt.state == literal_column(f"'{GRADING}'"))


def _waiting(actor: User, quiz_id: int | None = None, *, in_sql: bool = False) -> Select:
    query = _waiting_only(gradable_answers(actor, in_sql=in_sql))
    if quiz_id and not 0 < quiz_id <= MAX_ID:
        return query.where(false())  # no quiz has such an id
    return query.where(QuizAttempt.quiz_id == quiz_id) if quiz_id else query


def waiting_page(actor: User, quiz_id: int | None, page: int, per_page: int = 30):
    """A page of short answers waiting for a person, oldest submitted first, with their
    attempt, employee, quiz and question version (two statements)."""
    return db.paginate(waiting_query(actor, quiz_id), page=page, per_page=per_page,
                       error_out=False)


def waiting_query(actor: User, quiz_id: int | None = None) -> Select:
    """SELECT of every short answer waiting for the actor (of one quiz when given), oldest
    submitted first, with attempt, employee, quiz and question version: the queue and its
    download."""
    return _waiting(actor, quiz_id).options(
        contains_eager(AttemptQuestion.attempt).joinedload(QuizAttempt.user),
        contains_eager(AttemptQuestion.attempt).joinedload(QuizAttempt.quiz),
        joinedload(AttemptQuestion.version),
    ).order_by(QuizAttempt.submitted_at, QuizAttempt.id, AttemptQuestion.rank)


def waiting_quizzes(actor: User) -> list[tuple[int, str]]:
    """(id, title) of the quizzes with answers waiting for the actor."""
    ids = _waiting(actor).with_only_columns(QuizAttempt.quiz_id)
    return list(db.session.execute(select(Quiz.id, Quiz.title).where(Quiz.id.in_(ids))
                                   .order_by(Quiz.title, Quiz.id)).all())


def waiting_count_query(actor: User) -> Select:
    """SELECT COUNT of the answers waiting for the actor, scope included (the 阅卷 badge):
    `_waiting`'s answers, counted — for someone who sees everyone up to `badges.CAP` only.
    A team lead's is summed per team member (a correlated count), so both planners read each
    member's attempts in 待批改 by ix_quiz_attempts_grading_user and nobody else's: with
    `user_id IN (team)` PostgreSQL, which cannot tell how many departments a recursive CTE
    finds, started from every waiting answer of the organisation; SQLite without statistics
    from every answer waiting (`unindexed`)."""
    from app.services.badges import capped

    count = func.count(AttemptQuestion.id)
    if _sees_everyone(actor):
        # the organisation's waiting answers, from two partial indexes alone (no column of
        # the table to fetch: PostgreSQL scans ix_attempt_questions_waiting and
        # ix_quiz_attempts_grading_user, which includes the id, index-only), the first CAP
        # of them: 11,000 at 10,000 staff cost 4 ms warm, 20 ms cold, on every page;
        # `user_id > 0`, true of every attempt, lets SQLite's planner (with statistics)
        # seek the partial index rather than read every attempt of the state index
        return capped(_waiting(actor).where(QuizAttempt.user_id > 0)
                      .with_only_columns(literal_column("1")))
    of_one = (_answers(actor).where(QuizAttempt.user_id == User.id,
                                    QuizAttempt.state == literal_column(f"'{GRADING}'"),
                                    unindexed(AttemptQuestion.needs_review).is_(True))
              .with_only_columns(count).correlate(User).scalar_subquery())
    return (team_members(actor, in_sql=True)
            .with_only_columns(cast(func.coalesce(func.sum(of_one), 0), Integer))
            .select_from(User))


def waiting_count(actor: User) -> int:
    return db.session.scalar(waiting_count_query(actor))


def next_waiting(actor: User, quiz_id: int | None = None) -> AttemptQuestion | None:
    """The oldest answer still waiting for the actor (of one quiz when given)."""
    return db.session.scalars(_waiting(actor, quiz_id).order_by(
        QuizAttempt.submitted_at, QuizAttempt.id, AttemptQuestion.rank).limit(1)).first()


def submitted_query(actor: User, quiz_id: int | None = None) -> Select:
    """SELECT of the submitted attempts in the actor's scope (of one quiz when given), newest
    first, with employee and quiz."""
    query = (attempts_in_scope(actor).where(QuizAttempt.submitted_at.is_not(None))
             .options(joinedload(QuizAttempt.user), joinedload(QuizAttempt.quiz))
             .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc()))
    return query.where(QuizAttempt.quiz_id == quiz_id) if quiz_id else query


def recent_attempts(actor: User) -> list[QuizAttempt]:
    """The latest submitted attempts in the actor's scope, newest first."""
    return list(db.session.scalars(submitted_query(actor).limit(RECENT)))


def load_answer(actor: User, answer_id: int) -> AttemptQuestion:
    """A short answer the actor may grade (NotFound otherwise: out of scope does not exist)."""
    row = db.session.scalars(gradable_answers(actor).where(AttemptQuestion.id == answer_id)
                             .options(joinedload(AttemptQuestion.version))).first()
    if row is None or row.version.data.get("type") != "short_answer":
        raise NotFound(_l("This answer does not exist."))
    return row


def load_attempt(actor: User, attempt_id: int) -> QuizAttempt:
    """An attempt in the actor's scope with its questions and their versions."""
    attempt = db.session.scalars(attempts_in_scope(actor).where(QuizAttempt.id == attempt_id)
                                 .options(selectinload(QuizAttempt.questions)
                                          .selectinload(AttemptQuestion.version),
                                          joinedload(QuizAttempt.user),
                                          joinedload(QuizAttempt.quiz))).first()
    if attempt is None:
        raise NotFound(_l("This attempt does not exist."))
    return attempt


def rubric_suggestion(max_points: float, count: int, chosen: set[int]) -> float | None:
    """The points the ticked rubric points suggest: every point weighs the same
    (max_points / count), so ticking all of them suggests full marks; None without a rubric.
    static/js/rubric.js computes the same sum while the grader ticks."""
    met = sum(1 for index in chosen if 0 <= index < count)
    if not count:
        return None
    return round(max_points * met / count, 2)


def grade_answer(row: AttemptQuestion, grader: User, data: GradeData, now: datetime) -> None:
    """A person's points, comment and rubric marks for a short answer; the attempt is totalled
    (score, percent, passed) once nothing else waits."""
    if row.attempt.user_id == grader.id:
        raise DomainError(_l("You cannot grade your own answers."))
    rubric = row.version.data.get("payload", {}).get("rubric", [])
    chosen = set(data.rubric or [])
    points = data.points
    if points is None and chosen:
        points = rubric_suggestion(row.points, len(rubric), chosen)
    if points is None:
        raise DomainError(_l("%(label)s is required.", label=_l("Points awarded")), "points")
    comment = clean_multiline(data.comment, field="comment", label=_l("Comment"),
                              max_length=2000) or ""
    grade_by_hand(row, grader, float(points), comment,
                  [index in chosen for index in range(len(rubric))], now, seen=data.seen)
