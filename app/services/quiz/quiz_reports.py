"""What the trainer sees of quizzes: the list with its counts, and a quiz's attempts with the
score that counts for each employee. Each is one SQL statement, whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager

from app.extensions import db
from app.models import Course, QuizAttempt, SopModule, User
from app.models.attempts import GRADING
from app.models.quiz import Quiz, QuizDrawRule, QuizItem
from app.services.quiz.grading import QuizResult, quiz_result

STATUSES = ("active", "archived", "all")


@dataclass(frozen=True)
class QuizRow:
    quiz: Quiz
    course_title: str | None
    module_title: str | None
    questions: int
    attempts: int
    waiting: int  # attempts waiting for a person to grade short answers


@dataclass(frozen=True)
class EmployeeResult:
    user: User
    attempts: list[QuizAttempt]
    result: QuizResult


def _count(query):
    return func.coalesce(query.scalar_subquery(), 0)


def quiz_overview(status: str = "active") -> list[QuizRow]:
    """Every quiz (active, archived or all) with what it is attached to and its counts."""
    items = select(func.count(QuizItem.id)).where(QuizItem.quiz_id == Quiz.id)
    drawn = select(func.sum(QuizDrawRule.count)).where(QuizDrawRule.quiz_id == Quiz.id)
    attempts = select(func.count(QuizAttempt.id)).where(QuizAttempt.quiz_id == Quiz.id)
    waiting = attempts.where(QuizAttempt.state == GRADING)
    course, module = aliased(Course), aliased(SopModule)
    query = (select(Quiz, course.title, module.title, _count(items) + _count(drawn),
                    _count(attempts), _count(waiting))
             .outerjoin(course, course.id == Quiz.course_id)
             .outerjoin(module, module.id == Quiz.sop_module_id)
             .order_by(Quiz.archived, Quiz.title, Quiz.id))
    if status != "all":
        query = query.where(Quiz.archived.is_(status == "archived"))
    return [QuizRow(quiz, course_title, module_title, int(questions), int(count), int(wait))
            for quiz, course_title, module_title, questions, count, wait
            in db.session.execute(query)]


def quiz_results(quiz: Quiz) -> list[EmployeeResult]:
    """Every attempt at the quiz, grouped by employee (by name), with the score that counts
    under the quiz's grading method."""
    attempts = db.session.scalars(
        select(QuizAttempt).join(QuizAttempt.user).options(contains_eager(QuizAttempt.user))
        .where(QuizAttempt.quiz_id == quiz.id)
        .order_by(User.name, User.id, QuizAttempt.number)).all()
    grouped: dict[int, list[QuizAttempt]] = {}
    for attempt in attempts:
        grouped.setdefault(attempt.user_id, []).append(attempt)
    return [EmployeeResult(rows[0].user, rows, quiz_result(quiz, rows))
            for rows in grouped.values()]
