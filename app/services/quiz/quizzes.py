"""Quiz definitions: settings, fixed questions, draw rules, who may see a quiz, and drawing
the questions of a new attempt."""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    Course,
    CourseVersion,
    Question,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizDrawRule,
    SopModule,
    SopVersion,
    User,
)
from app.services.content.audience import course_meant_for, sop_module_meant_for
from app.services.errors import DomainError

MODES = ("exam", "practice")
GRADING_METHODS = ("highest", "last", "first", "average")
REVIEW_OPTIONS = ("immediately", "after_close", "never")
MAX_QUESTIONS = 200


@dataclass(frozen=True)
class DrawnQuestion:
    """A question picked for an attempt: its current version and the points it is worth."""

    question_id: int
    version_id: int
    type: str
    data: dict
    points: float
    must_pass: bool = False


def check_settings(quiz: Quiz) -> None:
    """Refuse settings that make no sense (DomainError naming the field)."""
    if quiz.mode not in MODES:
        raise DomainError(_l("Choose exam or practice."), "mode")
    if not 0 <= quiz.pass_percent <= 100:
        raise DomainError(_l("The pass mark must be between 0 and 100."), "pass_percent")
    if quiz.time_limit_minutes is not None and not 1 <= quiz.time_limit_minutes <= 24 * 60:
        raise DomainError(_l("The time limit must be between 1 and 1440 minutes."),
                          "time_limit_minutes")
    if quiz.max_attempts is not None and not 1 <= quiz.max_attempts <= 1000:
        raise DomainError(_l("Attempts allowed must be between 1 and 1000."), "max_attempts")
    if not 0 <= (quiz.cooldown_minutes or 0) <= 60 * 24 * 30:
        raise DomainError(_l("The wait between attempts must be between 0 and 43200 minutes."),
                          "cooldown_minutes")
    if quiz.opens_at and quiz.closes_at and quiz.closes_at <= quiz.opens_at:
        raise DomainError(_l("The quiz must close after it opens."), "closes_at")
    if quiz.grading_method not in GRADING_METHODS:
        raise DomainError(_l("Unknown grading method."), "grading_method")
    if quiz.review not in REVIEW_OPTIONS:
        raise DomainError(_l("Unknown review option."), "review")


def quiz_meant_for(user: User) -> ColumnElement[bool]:
    """Published, not archived, and — when attached — its course or SOP module is published
    and meant for the user. A stand-alone quiz is meant for every employee."""
    course_ok = or_(Quiz.course_id.is_(None), exists().where(
        Course.id == Quiz.course_id, Course.archived.is_(False), course_meant_for(user),
        exists().where(CourseVersion.course_id == Course.id)))
    module_ok = or_(Quiz.sop_module_id.is_(None), exists().where(
        SopModule.id == Quiz.sop_module_id, SopModule.archived.is_(False),
        sop_module_meant_for(user), exists().where(SopVersion.module_id == SopModule.id)))
    return and_(Quiz.published.is_(True), Quiz.archived.is_(False), course_ok, module_ok)


def find_quiz(user: User, slug: str, extra_ids: Collection[int] = ()) -> Quiz | None:
    """The quiz with this slug, if it is meant for the user — or, published and not
    archived, its id is among `extra_ids` (assigned to them)."""
    allowed = quiz_meant_for(user)
    if extra_ids:
        allowed = or_(allowed, and_(Quiz.id.in_(list(extra_ids)), Quiz.published.is_(True),
                                    Quiz.archived.is_(False)))
    return db.session.execute(
        select(Quiz).where(Quiz.slug == slug, allowed)).scalar_one_or_none()


def visible_quizzes(user: User, *, course_id: int | None = None,
                    sop_module_id: int | None = None) -> list[Quiz]:
    """Quizzes meant for the user; of one course or SOP module when given."""
    query = select(Quiz).where(quiz_meant_for(user)).order_by(Quiz.id)
    if course_id is not None:
        query = query.where(Quiz.course_id == course_id)
    if sop_module_id is not None:
        query = query.where(Quiz.sop_module_id == sop_module_id)
    return list(db.session.execute(query).scalars())


def window_problem(quiz: Quiz, now: datetime):
    """Why the quiz cannot be taken at `now` because of its window (None when open)."""
    if quiz.opens_at and now < quiz.opens_at:
        return _l("This quiz has not opened yet.")
    if quiz.closes_at and now >= quiz.closes_at:
        return _l("This quiz is closed.")
    return None


def draw_questions(quiz: Quiz, rng: random.Random) -> list[DrawnQuestion]:
    """The questions of a new attempt: fixed items in order, then each draw rule's random
    picks (never a question twice); shuffled when the quiz says so."""
    drawn = [_drawn(version, item.points, item.must_pass) for item, version in _fixed(quiz)]
    taken = {d.question_id for d in drawn}
    for rule in quiz.draw_rules:
        pool = [q for q in _candidates(rule) if q[0].id not in taken]
        if len(pool) < rule.count:
            raise DomainError(_l("Not enough questions in the bank for this quiz: a rule needs "
                                 "%(need)d, the bank has %(have)d. Tell your trainer.",
                                 need=rule.count, have=len(pool)))
        for question, version in rng.sample(pool, rule.count):
            drawn.append(_drawn(version, rule.points))
            taken.add(question.id)
    if not drawn:
        raise DomainError(_l("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(drawn)
    return drawn[:MAX_QUESTIONS]


def question_count(quiz: Quiz) -> int:
    """How many questions an attempt of this quiz asks."""
    return len(quiz.items) + sum(rule.count for rule in quiz.draw_rules)


def _drawn(version: QuestionVersion, points: float | None,
           must_pass: bool = False) -> DrawnQuestion:
    data = version.data
    return DrawnQuestion(version.question_id, version.id, data["type"], data,
                         float(points if points is not None else data.get("points", 1.0)),
                         must_pass)


def _current(query):
    return query.join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                            QuestionVersion.number == Question.current_version))


def _fixed(quiz: Quiz):
    from app.models import QuizItem

    query = _current(select(QuizItem, QuestionVersion).join(
        Question, Question.id == QuizItem.question_id)).where(
        QuizItem.quiz_id == quiz.id, Question.archived.is_(False)).order_by(
        QuizItem.rank, QuizItem.id)
    return db.session.execute(query).all()


def _candidates(rule: QuizDrawRule) -> list[tuple[Question, QuestionVersion]]:
    query = _current(select(Question, QuestionVersion)).where(
        Question.bank_id == rule.bank_id, Question.archived.is_(False)).order_by(Question.id)
    if rule.difficulty is not None:
        query = query.where(Question.difficulty == rule.difficulty)
    if rule.category_id is not None:
        category = db.session.get(QuestionCategory, rule.category_id)
        paths = select(QuestionCategory.id).where(
            QuestionCategory.bank_id == rule.bank_id,
            or_(QuestionCategory.path == category.path,
                QuestionCategory.path.startswith(category.path + "/", autoescape=True)))
        query = query.where(Question.category_id.in_(paths))
    rows = [(q, v) for q, v in db.session.execute(query).all()]
    if rule.tag:
        rows = [(q, v) for q, v in rows if rule.tag in (q.tags or [])]
    return rows
