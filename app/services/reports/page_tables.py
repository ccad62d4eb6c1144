"""The downloads of the follow-up, quiz, results and leaderboard pages: (headers, rows) for
`app.web.exporting`, built by the same service calls as the page, so a download holds what
the page shows (the viewer's scope, the page's filters) and nothing else.

Headers and words are translated (`_l`), so the file reads in the viewer's language.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.models import User
from app.models.assignments import Assignment
from app.models.quiz import Quiz
from app.services.assign import follow
from app.services.assign.status import STATUSES
from app.services.org import department_paths
from app.services.points.leaderboard import Board
from app.services.quiz import quiz_reports
from app.services.reports.export_rows import ATTEMPT_LABELS, NOT_OWED, STATUS_LABELS
from app.services.results import team
from app.services.results.measures import rounded

RESULT_LABELS = {"entered": _l("Waiting for confirmation"), "confirmed": _l("Confirmed"),
                 "corrected": _l("Corrected")}


def _word(labels: dict, key: str) -> str:
    return str(labels.get(key, key))


def follow_table(actor: User, assignment: Assignment, now: datetime, status: str | None):
    """An assignment's follow-up: the people of the actor's scope owing it, of one status
    when `status` is one."""
    rows = follow.follow_rows(actor, assignment, now)
    if status in STATUSES:
        rows = [row for row in rows if row.status == status]
    paths = department_paths()
    headers = [_l("Employee number"), _l("Name"), _l("Department"), _l("Position"),
               _l("Status"), _l("Started, not finished"), _l("Completed on"), _l("Due")]
    return headers, [[r.login, r.name, paths.get(r.department_id, NOT_OWED),
                      r.position or NOT_OWED, _word(STATUS_LABELS, r.status),
                      bool(r.started) and r.status != "completed", r.done_at, r.due_at]
                     for r in rows]


def quiz_results_table(quiz: Quiz):
    """Every attempt at the quiz, one row each, with the employee's counted score."""
    headers = [_l("Employee number"), _l("Name"), _l("No."), _l("Started"), _l("Submitted"),
               _l("Submitted automatically"), _l("Score"), _l("Out of"), _l("Percent"),
               _l("Passed"), _l("State"), _l("Counted score (%)"), _l("Counted as passed")]
    rows = []
    for entry in quiz_reports.quiz_results(quiz):
        counted = entry.result
        for a in entry.attempts:
            rows.append([entry.user.login, entry.user.name, a.number, a.started_at,
                         a.submitted_at, a.auto_submitted, a.score, a.max_score, a.percent,
                         a.passed, _word(ATTEMPT_LABELS, a.state), counted.percent,
                         counted.passed if counted.percent is not None else None])
    return headers, rows


def quiz_list_table(status: str):
    """The trainer's quiz list (active, archived or all) with its counts."""
    headers = [_l("Quiz"), _l("Course"), _l("SOP module"), _l("Questions"), _l("Attempts"),
               _l("Waiting for grading"), _l("Published"), _l("Archived")]
    return headers, [[r.quiz.title, r.course_title, r.module_title, r.questions, r.attempts,
                      r.waiting, r.quiz.published, r.quiz.archived]
                     for r in quiz_reports.quiz_overview(status)]


def team_results_table(actor: User, kind: str, start: date, department_id: int | None):
    """团队成果 of one period: a row per person of the actor's team, a figure and its status
    per metric, and the totals row of the page."""
    summary = team.team_summary(actor, kind, start, department_id)
    headers = [_l("Employee number"), _l("Name"), _l("Department")]
    for metric in summary.metrics:
        name = f"{metric.name}（{metric.unit}）" if metric.unit else metric.name
        headers += [name, _l("%(metric)s: status", metric=metric.name)]
    rows = []
    for row in summary.rows:
        cells = [row.user.login, row.user.name, row.department]
        for metric in summary.metrics:
            result = row.cells.get(metric.id)
            cells += ([rounded(result.value, metric.decimals),
                       _word(RESULT_LABELS, result.status)] if result else
                      [None, str(_l("Not entered"))])
        rows.append(cells)
    if summary.rows:
        total = [str(_l("Total")), None, None]
        for metric in summary.metrics:
            total += [rounded(summary.totals[metric.id], metric.decimals),
                      str(_l("%(count)d of %(total)d entered", count=summary.entered[metric.id],
                             total=len(summary.rows)))]
        rows.append(total)
    return headers, rows


def leaderboard_table(board: Board):
    """A leaderboard as the viewer sees it: colleagues outside their sight stay nameless."""
    headers = [_l("Rank"), _l("Person"), _l("Department"), _l("Points")]
    return headers, [[row.rank, row.name if row.name is not None else str(_l("A colleague")),
                      row.department or NOT_OWED, row.points] for row in board.rows]
