"""The team dashboard: people × assignments coloured by status, completion and overdue rates,
quiz averages and pass rates, and the team's weakest questions.

Every figure is a SQL aggregate over `status_query` (each person's status on each live
assignment, one statement) narrowed to the people and assignments in view (`filters`), so
the page runs the same statements for 10 people or 2,000: rates are computed over everyone,
the matrix shows one page of people at a time. Definitions: docs/dashboard.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AttemptQuestion, Question, QuestionVersion, QuizAttempt, User
from app.models.assignments import Assignment
from app.models.attempts import FINISHED
from app.services.assign import follow
from app.services.assign.status import STATUSES, status_query
from app.services.items.kinds import QUIZ
from app.services.reports import percent
from app.services.reports.filters import View, people_ids

PAGE_SIZE = 50
MAX_COLUMNS = 30  # the page shows the newest; the export has them all
WEAKEST_MIN_ANSWERS = 3
WEAKEST_LIMIT = 10


@dataclass
class Rates:
    """How many (person, assignment) pairs are in each status."""

    owed: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def completed(self) -> int:
        return self.counts["completed"]

    @property
    def overdue(self) -> int:
        return self.counts["overdue"]

    @property
    def completion_rate(self) -> float | None:
        """Completed / owed, in percent (None when nothing is owed)."""
        return percent(self.completed, self.owed)

    @property
    def overdue_rate(self) -> float | None:
        return percent(self.overdue, self.owed)

    def add(self, other: Rates) -> None:
        self.owed += other.owed
        for status, count in other.counts.items():
            self.counts[status] += count


@dataclass
class Column:
    assignment: Assignment
    title: str
    rates: Rates


@dataclass
class Cell:
    status: str
    due_at: datetime | None
    done_at: datetime | None


@dataclass
class MatrixRow:
    user: User
    cells: dict[int, Cell]  # assignment id → the person's status

    @property
    def rates(self) -> Rates:
        rates = Rates(len(self.cells))
        for cell in self.cells.values():
            rates.counts[cell.status] += 1
        return rates


def status_rows(view: View, *where):
    """`status_query` narrowed to the people and the assignments in view, as a MATERIALIZED
    CTE: each pair's status is computed once per statement. As a subquery the database
    inlined the whole status expression (with its correlated sign-off count) into every
    aggregate over it — 25 copies in `team_extra._training_at`, whose inflated cost estimate
    then made PostgreSQL JIT-compile 862 functions for 12 s (docs/performance.md)."""
    people = people_ids(view, owing=False)
    return (status_query(view.now, Assignment.id.in_(view.assignment_ids),
                         User.id.in_(people), *where, user_filter=people)
            .cte("team_status").prefix_with("MATERIALIZED"))


def columns(view: View) -> list[Column]:
    """Every assignment in view that someone in view owes, newest first, with its rates
    (three statements)."""
    if not view.assignment_ids:
        return []
    rows = status_rows(view)
    counts = [func.sum(case((rows.c.status == s, 1), else_=0)) for s in STATUSES]
    found = {row[0]: Rates(row[1], {s: int(n or 0) for s, n in zip(STATUSES, row[2:],
                                                                        strict=True)})
             for row in db.session.execute(select(rows.c.assignment_id, func.count(), *counts)
                                           .group_by(rows.c.assignment_id))}
    if not found:
        return []
    assignments = list(db.session.scalars(
        select(Assignment).where(Assignment.id.in_(found))
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())))
    titles = follow.item_titles(assignments)
    return [Column(a, titles[a.id], found[a.id]) for a in assignments]


def overall(found: list[Column]) -> Rates:
    """The team's rates over the required assignments in view."""
    total = Rates()
    for column in found:
        if column.assignment.required:
            total.add(column.rates)
    return total


@dataclass
class MatrixPage:
    rows: list[MatrixRow]
    page: int
    pages: int
    total: int


def matrix_page(view: View, shown: list[Column], page: int,
                per_page: int = PAGE_SIZE) -> MatrixPage:
    """One page of people (by department, then 工号) with their status on the shown columns
    (three statements: count, page, cells)."""
    query = (select(User).where(User.id.in_(people_ids(view)))
             .options(joinedload(User.position))
             .order_by(User.department_id, User.login, User.id))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    users = list(pagination.items)
    rows = {u.id: MatrixRow(u, {}) for u in users}
    if users and shown:
        ids = [u.id for u in users]
        cells = status_query(view.now, Assignment.id.in_([c.assignment.id for c in shown]),
                             User.id.in_(ids), user_filter=select(User.id).where(
                                 User.id.in_(ids)))
        for row in db.session.execute(cells):
            rows[row.user_id].cells[row.assignment_id] = Cell(row.status, row.due_at,
                                                              row.done_at)
    return MatrixPage(list(rows.values()), pagination.page, pagination.pages or 1,
                      pagination.total or 0)


@dataclass
class QuizRow:
    quiz_id: int
    title: str
    owing: int
    passed: int
    attempts: int
    average: float | None  # mean percent of the finished attempts
    attempts_passed: int

    @property
    def pass_rate(self) -> float | None:
        """People who passed (by the quiz's grading method) / people who owe it."""
        return percent(self.passed, self.owing)

    @property
    def attempt_pass_rate(self) -> float | None:
        return percent(self.attempts_passed, self.attempts)


def quiz_table(view: View, found: list[Column]) -> list[QuizRow]:
    """Per quiz assigned in view: who owes it, who passed, the team's finished attempts,
    their average and pass rate (two statements)."""
    titles = {c.assignment.quiz_id: c.title for c in found if c.assignment.kind == QUIZ.key}
    if not titles:
        return []
    rows = status_rows(view, Assignment.kind == QUIZ.key)
    owing = {quiz_id: (n, passed) for quiz_id, n, passed in db.session.execute(
        select(Assignment.quiz_id, func.count(distinct(rows.c.user_id)),
               func.count(distinct(case((rows.c.status == "completed", rows.c.user_id)))))
        .join(Assignment, Assignment.id == rows.c.assignment_id)
        .group_by(Assignment.quiz_id))}
    stats = {row[0]: row[1:] for row in db.session.execute(
        select(QuizAttempt.quiz_id, func.count(), func.avg(QuizAttempt.percent),
               func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)))
        .where(QuizAttempt.state == FINISHED, QuizAttempt.quiz_id.in_(titles),
               QuizAttempt.user_id.in_(people_ids(view)))
        .group_by(QuizAttempt.quiz_id))}
    table = []
    for quiz_id, title in titles.items():
        n, passed = owing.get(quiz_id, (0, 0))
        attempts, average, attempts_passed = stats.get(quiz_id, (0, None, 0))
        table.append(QuizRow(quiz_id, title, n, passed, attempts,
                             None if average is None else float(average),
                             int(attempts_passed or 0)))
    return table


@dataclass
class WeakQuestion:
    question_id: int
    type: str
    stem: str
    mean: float  # mean fraction 0..1 over the team's graded answers
    answers: int


def weakest_questions(view: View, quiz_ids: list[int],
                      limit: int = WEAKEST_LIMIT) -> list[WeakQuestion]:
    """The questions of the quizzes in view with the lowest mean fraction over the team's
    finished attempts, among those answered at least WEAKEST_MIN_ANSWERS times (one
    statement)."""
    if not quiz_ids:
        return []
    answers = (select(AttemptQuestion.question_id,
                      func.avg(AttemptQuestion.fraction).label("mean"),
                      func.count().label("answers"))
               .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
               .where(QuizAttempt.state == FINISHED, QuizAttempt.quiz_id.in_(quiz_ids),
                      QuizAttempt.user_id.in_(people_ids(view)),
                      AttemptQuestion.fraction.is_not(None))
               .group_by(AttemptQuestion.question_id)
               .having(func.count() >= WEAKEST_MIN_ANSWERS).subquery("answers"))
    query = (select(answers.c.question_id, Question.type, QuestionVersion.data,
                    answers.c.mean, answers.c.answers)
             .join(Question, Question.id == answers.c.question_id)
             .join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                         QuestionVersion.number == Question.current_version))
             .order_by(answers.c.mean, answers.c.question_id).limit(limit))
    return [WeakQuestion(qid, kind, str((data or {}).get("stem", "")), float(mean), n)
            for qid, kind, data, mean, n in db.session.execute(query)]
