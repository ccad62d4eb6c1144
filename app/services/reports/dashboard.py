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

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import PersonQuestionTally, Question, QuestionVersion, QuizAttempt, User
from app.models.assignments import Assignment
from app.models.attempts import FINISHED
from app.services.assign import follow
from app.services.assign.members import assignee_pairs
from app.services.assign.status import STATUSES
from app.services.items.kinds import QUIZ
from app.services.reports import percent, status_rows
from app.services.reports.filters import View, live_assignments, people_ids, people_in_view

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


def team_status(view: View) -> list:
    """Every (assignment, person) status row in view — assignment_id, user_id, status,
    started, done_at, due_at — read once per request (one statement) and kept on the view:
    the columns' rates, the matrix's cells, the quiz table and the training trend are all
    counted from these rows instead of four statements each computing them again. The
    statement starts from the view's scope: the ids of the people in view (resolved first,
    `scope.resolved_ids`) narrow the pairs and every progress subquery, the assignments in
    view the targets."""
    if "status" not in view.memo:
        rows = []
        if view.assignment_ids:
            rows = list(db.session.execute(*status_rows.view_status(view)))
        view.memo["status"] = rows
    return view.memo["status"]


def column_rates(view: View) -> dict[int, Rates]:
    """assignment id → its rates over the people in view who owe it."""
    found: dict[int, Rates] = {}
    for row in team_status(view):
        rates = found.get(row.assignment_id)
        if rates is None:
            rates = found[row.assignment_id] = Rates()
        rates.owed += 1
        rates.counts[row.status] += 1
    return found


def owed_assignments(view: View) -> dict[int, Rates]:
    """assignment id → empty rates, for the assignments in view someone in view owes."""
    pairs = assignee_pairs(Assignment.id.in_(view.assignment_ids),
                           User.id.in_(people_in_view(view, owing=False))).subquery("owed")
    return {i: Rates() for i in db.session.scalars(select(pairs.c.assignment_id).distinct())}


def columns(view: View, *, rates: bool = True) -> list[Column]:
    """Every assignment in view that someone in view owes, newest first, with its rates
    (the status rows, then the assignments and their titles). Without `rates` (an export's
    headers) the rates stay empty and no status is computed: which assignments are owed
    comes from the targets alone, so a streamed export holds no status rows in memory."""
    if not view.assignment_ids:
        return []
    found = column_rates(view) if rates else owed_assignments(view)
    if not found:
        return []
    titles = live_titles(view)
    return [Column(a, titles[a.id], found[a.id]) for a in live_assignments(view)
            if a.id in found]


def live_titles(view: View) -> dict[int, str]:
    """assignment id → its item's title, for the live assignments the actor may follow (one
    statement per request: the columns and the filter's choices)."""
    if "titles" not in view.memo:
        live = live_assignments(view)
        view.memo["titles"] = follow.item_titles(live) if live else {}
    return view.memo["titles"]


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
    (two statements: count, page; the cells come from the status rows)."""
    query = (select(User).where(User.id.in_(people_ids(view)))
             .options(joinedload(User.position))
             .order_by(User.department_id, User.login, User.id))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    users = list(pagination.items)
    rows = {u.id: MatrixRow(u, {}) for u in users}
    if users and shown:
        for row in page_cells(view, [c.assignment.id for c in shown], list(rows)):
            rows[row.user_id].cells[row.assignment_id] = Cell(row.status, row.due_at,
                                                              row.done_at)
    return MatrixPage(list(rows.values()), pagination.page, pagination.pages or 1,
                      pagination.total or 0)


def page_cells(view: View, assignment_ids: list[int], user_ids: list[int]) -> list:
    """The status rows of these people on these assignments."""
    wanted, people = set(assignment_ids), set(user_ids)
    return [row for row in team_status(view)
            if row.assignment_id in wanted and row.user_id in people]


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
    their average and pass rate (one statement; who owes and passed come from the status
    rows)."""
    titles = {c.assignment.quiz_id: c.title for c in found if c.assignment.kind == QUIZ.key}
    if not titles:
        return []
    owing = quiz_owing(view, found)
    stats = {row[0]: row[1:] for row in db.session.execute(
        select(QuizAttempt.quiz_id, func.count(), func.avg(QuizAttempt.percent),
               func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)))
        .where(QuizAttempt.state == FINISHED, QuizAttempt.quiz_id.in_(titles),
               QuizAttempt.user_id.in_(people_in_view(view)))
        .group_by(QuizAttempt.quiz_id))}
    table = []
    for quiz_id, title in titles.items():
        n, passed = owing.get(quiz_id, (0, 0))
        attempts, average, attempts_passed = stats.get(quiz_id, (0, None, 0))
        table.append(QuizRow(quiz_id, title, n, passed, attempts,
                             None if average is None else float(average),
                             int(attempts_passed or 0)))
    return table


def quiz_owing(view: View, found: list[Column]) -> dict[int, tuple[int, int]]:
    """quiz id → (people in view who owe it, of them those who completed it), each person
    counted once however many assignments give them the quiz."""
    quiz_of = {c.assignment.id: c.assignment.quiz_id for c in found
               if c.assignment.kind == QUIZ.key}
    owing: dict[int, set[int]] = {}
    passed: dict[int, set[int]] = {}
    for row in team_status(view):
        quiz_id = quiz_of.get(row.assignment_id)
        if quiz_id is not None:
            owing.setdefault(quiz_id, set()).add(row.user_id)
            if row.status == "completed":
                passed.setdefault(quiz_id, set()).add(row.user_id)
    return {q: (len(people), len(passed.get(q, ()))) for q, people in owing.items()}


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
    graded answers in their finished attempts, among those answered at least
    WEAKEST_MIN_ANSWERS times (one statement). The answers are added up from the maintained
    tallies (analytics.person_tallies: a row per person, quiz and question, read by its key
    for the quizzes and people in view), not read one by one: the cost follows the team and
    the questions, not how often they took the quizzes."""
    if not quiz_ids:
        return []
    tally = PersonQuestionTally
    answered = func.sum(tally.answers)
    answers = (select(tally.question_id, (func.sum(tally.fraction_sum) / answered).label("mean"),
                      answered.label("answers"))
               .where(tally.quiz_id.in_(quiz_ids), tally.user_id.in_(people_in_view(view)))
               .group_by(tally.question_id)
               .having(answered >= WEAKEST_MIN_ANSWERS).subquery("answers"))
    query = (select(answers.c.question_id, Question.type, QuestionVersion.data,
                    answers.c.mean, answers.c.answers)
             .join(Question, Question.id == answers.c.question_id)
             .join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                         QuestionVersion.number == Question.current_version))
             .order_by(answers.c.mean, answers.c.question_id).limit(limit))
    return [WeakQuestion(qid, kind, str((data or {}).get("stem", "")), float(mean), n)
            for qid, kind, data, mean, n in db.session.execute(query)]
