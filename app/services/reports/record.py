"""One person's learning record (我的成绩 / 员工档案): what they owe and how they stand, every
course, quiz attempt, SOP acknowledgement and checklist run, their private-domain results,
certificates, points (app.services.points) and the size of their wrong-question book.

The whole record is a constant number of statements (about twenty) however long the
person's history. Headline definitions (docs/dashboard.md):

- completion rate = completed / owed, over the live *required* assignments they owe now;
  overdue rate = overdue / owed over the same;
- exams are the quizzes in exam mode they owe (a live quiz assignment) or have attempted:
  passed — the score that counts (the quiz's grading method) reaches the pass mark;
  failed — handed in and graded but not passed, and no second chance left: attempts used
  up, the quiz closed, or the assignment past its due date;
  missed — nothing handed in, and the quiz closed or the assignment past its due date;
  open — anything else (still to take, or waiting for a grader).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Certificate, Quiz, User
from app.models.assignments import Assignment
from app.models.attempts import FINISHED, GRADING
from app.services.assign import follow
from app.services.certificates import certificates_of
from app.services.items.kinds import COURSE, QUIZ
from app.services.points.rules import load_settings
from app.services.points.tally import MyPoints, my_points, period_start
from app.services.quiz.grading import quiz_result
from app.services.quiz.wrong_book import book_size
from app.services.reports import percent
from app.services.reports.record_sections import (
    AckLine,
    AttemptLine,
    CourseLine,
    PathLine,
    RunLine,
    acknowledgement_lines,
    attempt_lines,
    course_lines,
    onboarding_lines,
    run_lines,
)
from app.services.results.history import MetricHistory, person_history

EXAM_OUTCOMES = ("passed", "failed", "missed", "open")
EXAM_LABELS = {"passed": _l("Passed"), "failed": _l("Failed"), "missed": _l("Missed"),
               "open": _l("Open")}
SCORE_POINTS = 12


@dataclass
class OwedLine:
    assignment: Assignment
    title: str
    status: str
    due_at: datetime | None
    done_at: datetime | None


@dataclass
class ExamLine:
    quiz: Quiz
    outcome: str  # one of EXAM_OUTCOMES
    percent: float | None  # the score that counts
    attempts: int  # handed in


@dataclass
class Headline:
    owed: int = 0
    completed: int = 0
    overdue: int = 0
    exams: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXAM_OUTCOMES, 0))

    @property
    def completion_rate(self) -> float | None:
        return percent(self.completed, self.owed)

    @property
    def overdue_rate(self) -> float | None:
        return percent(self.overdue, self.owed)


@dataclass
class Record:
    user: User
    headline: Headline
    owed: list[OwedLine]
    courses: list[CourseLine]
    attempts: list[AttemptLine]
    exams: list[ExamLine]
    acknowledgements: list[AckLine]
    runs: list[RunLine]
    results: list[MetricHistory]
    onboarding: list[PathLine]
    certificates: list[Certificate]
    wrong_book: int
    points: MyPoints

    @property
    def score_series(self) -> list[tuple[str, float | None]]:
        """(day, percent) of the last SCORE_POINTS finished attempts, oldest first."""
        done = [line.attempt for line in self.attempts
                if line.attempt.state == FINISHED and line.attempt.percent is not None]
        return [(format_date(a.finished_at, "MM/dd"), a.percent)
                for a in reversed(done[:SCORE_POINTS])]

    @property
    def exam_series(self) -> list[tuple[object, int]]:
        return [(EXAM_LABELS[o], self.headline.exams[o]) for o in EXAM_OUTCOMES]


def owed_lines(user: User, now: datetime) -> list[OwedLine]:
    """What the person owes now with its status (two statements)."""
    rows = follow.owed_by(user, now)
    titles = follow.item_titles([row.Assignment for row in rows])
    return [OwedLine(row.Assignment, titles[row.Assignment.id], row.status, row.due_at,
                     row.done_at) for row in rows]


def headline(owed: list[OwedLine], exams: list[ExamLine]) -> Headline:
    required = [line for line in owed if line.assignment.required]
    found = Headline(len(required), sum(line.status == "completed" for line in required),
                     sum(line.status == "overdue" for line in required))
    for exam in exams:
        found.exams[exam.outcome] += 1
    return found


def exam_lines(owed: list[OwedLine], attempts: list[AttemptLine],
               now: datetime) -> list[ExamLine]:
    """Each exam the person owes or attempted, with its outcome (at most one statement)."""
    by_quiz: dict[int, list] = {}
    quizzes: dict[int, Quiz] = {}
    for line in attempts:
        by_quiz.setdefault(line.attempt.quiz_id, []).append(line.attempt)
        quizzes[line.attempt.quiz_id] = line.attempt.quiz
    late: dict[int, bool] = {}
    for line in owed:
        if line.assignment.kind == QUIZ.key:
            quiz_id = line.assignment.quiz_id
            late[quiz_id] = late.get(quiz_id, False) or line.status in ("overdue", "failed")
    missing = set(late) - set(quizzes)
    if missing:
        quizzes.update({q.id: q for q in db.session.scalars(
            select(Quiz).where(Quiz.id.in_(missing)))})
    lines = [_exam(quiz, by_quiz.get(quiz_id, []), late.get(quiz_id, False), now)
             for quiz_id, quiz in quizzes.items() if quiz.mode == "exam"]
    return sorted(lines, key=lambda line: (line.quiz.title, line.quiz.id))


def _exam(quiz: Quiz, attempts: list, late: bool, now: datetime) -> ExamLine:
    result = quiz_result(quiz, attempts)
    handed_in = sum(1 for a in attempts if a.state in (FINISHED, GRADING))
    finished = sum(1 for a in attempts if a.state == FINISHED)
    closed = quiz.closes_at is not None and quiz.closes_at <= now
    used_up = quiz.max_attempts is not None and finished >= quiz.max_attempts
    if result.passed:
        outcome = "passed"
    elif result.passed is False and not result.waiting and (used_up or closed or late):
        outcome = "failed"
    elif not handed_in and (closed or late):
        outcome = "missed"
    else:
        outcome = "open"
    return ExamLine(quiz, outcome, result.percent, handed_in)


def build_record(user: User, now: datetime, today: date, zone: str = "Asia/Shanghai") -> Record:
    """The whole record of `user` as seen at `now` (results periods end with `today`;
    "this month" of the points is the month in `zone`)."""
    owed = owed_lines(user, now)
    attempts = attempt_lines(user, now)
    exams = exam_lines(owed, attempts, now)
    assigned_courses = {line.assignment.course_id for line in owed
                        if line.assignment.kind == COURSE.key}
    return Record(
        user=user, headline=headline(owed, exams), owed=owed,
        courses=course_lines(user, assigned_courses), attempts=attempts, exams=exams,
        acknowledgements=acknowledgement_lines(user), runs=run_lines(user),
        results=person_history(user.id, today),
        onboarding=onboarding_lines(user, [line.assignment for line in owed], now),
        certificates=certificates_of(user.id), wrong_book=book_size(user),
        points=my_points(user.id, load_settings().values, period_start("month", now, zone)))
