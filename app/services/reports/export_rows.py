"""The rows of every downloadable table of the dashboard and of a record, with translated
headers, for `app.web.exporting.export_response`.

The dashboard's matrix is streamed: two statements fetched in batches (`stream_rows`, i.e.
`yield_per`) and merged into one row per person as they come, so 2,000 people never sit in
memory at once. The other dashboard tables are aggregates (a row per quiz, question, criterion or
period); a record's tables are one person's history, read by `build_record`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import Position, User
from app.services.exports import stream_rows
from app.services.items.kinds import QUIZ
from app.services.org import department_paths
from app.services.practice.run_pages import STATUS_LABELS as RUN_LABELS
from app.services.reports import dashboard, status_rows, team_extra
from app.services.reports.filters import View, people_ids
from app.services.reports.record import EXAM_LABELS, Record
from app.services.results.measures import AVERAGE, SUM, measure, rounded

STATUS_LABELS = {"not_started": _l("Not started"), "in_progress": _l("In progress"),
                 "completed": _l("Completed"), "overdue": _l("Overdue"), "failed": _l("Failed")}
ATTEMPT_LABELS = {"in_progress": _l("In progress"), "grading": _l("Waiting for grading"),
                  "finished": _l("Finished")}
DECISION_LABELS = {"signed_off": _l("Signed off"), "returned": _l("Returned for rework")}
NOT_OWED = "—"


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# ---- the dashboard ----------------------------------------------------------------------------

def matrix_export(view: View):
    """(headers, rows): everyone in view × every assignment in view, status as text."""
    found = dashboard.columns(view, rates=False)
    headers = [_l("Employee number"), _l("Name"), _l("Department"), _l("Position"),
               *[c.title for c in found], _l("Completed"), _l("Owed")]
    return headers, _matrix_rows(view, [c.assignment.id for c in found])


def _matrix_rows(view: View, ids: list[int]) -> Iterator[list]:
    """Two streamed statements in the same order — the people, and their statuses — merged
    as they come (joining them in SQL made PostgreSQL re-plan the status query per person)."""
    paths = department_paths()
    order = (User.department_id, User.login, User.id)
    people = (select(User.id, User.login, User.name, User.department_id, Position.name)
              .outerjoin(Position, Position.id == User.position_id)
              .where(User.id.in_(people_ids(view))).order_by(*order))
    cells = iter(stream_rows(*status_rows.view_status(view, order))
                 if view.assignment_ids else ())
    pending = next(cells, None)
    for user_id, login, name, department_id, position in stream_rows(people):
        status = {}
        while pending is not None and pending.user_id == user_id:
            status[pending.assignment_id] = pending.status
            pending = next(cells, None)
        yield [login, name, paths.get(department_id, NOT_OWED), position or NOT_OWED,
               *[str(STATUS_LABELS[status[i]]) if i in status else NOT_OWED for i in ids],
               sum(s == "completed" for s in status.values()), len(status)]


def quizzes_export(view: View):
    headers = [_l("Quiz"), _l("Owed by"), _l("Passed"), _l("Pass rate (%)"),
               _l("Finished attempts"), _l("Average score (%)"), _l("Attempt pass rate (%)")]
    rows = [[q.title, q.owing, q.passed, _rate(q.pass_rate), q.attempts, _rate(q.average),
             _rate(q.attempt_pass_rate)]
            for q in dashboard.quiz_table(view, dashboard.columns(view))]
    return headers, rows


def questions_export(view: View):
    quiz_ids = [c.assignment.quiz_id for c in dashboard.columns(view, rates=False)
                if c.assignment.kind == QUIZ.key]
    headers = [_l("Question"), _l("Type"), _l("Mean score (%)"), _l("Answers")]
    rows = [[q.stem, q.type, _rate(100 * q.mean), q.answers]
            for q in dashboard.weakest_questions(view, quiz_ids)]
    return headers, rows


def reviews_export(view: View):
    headers = [_l("SOP module"), _l("Criterion"), _l("Average score (1–5)"), _l("Scores"),
               _l("Reviews"), _l("Signed off")]
    rows = [[m.title, str(c.label), round(c.mean, 2), c.count, m.reviews, m.signed_off]
            for m in team_extra.review_averages(view) for c in m.criteria.values()]
    return headers, rows


COMBINED = {SUM: _l("Sum of the people"), AVERAGE: _l("Average of the people")}


def results_export(view: View, today: date):
    headers = [_l("Metric"), _l("Period"), _l("Team figure"), _l("Combined as"),
               _l("People who entered"), _l("Training completion (%)")]
    rows = [[t.metric.name, p.label, p.total, str(COMBINED[measure(t.metric).aggregation]),
             p.people, _rate(p.training)]
            for t in team_extra.results_beside_training(view, today) for p in t.points]
    return headers, rows


DASHBOARD_TABLES = {
    "matrix": (_l("Team dashboard"), lambda view, today: matrix_export(view)),
    "quizzes": (_l("Quiz results"), lambda view, today: quizzes_export(view)),
    "questions": (_l("Weakest questions"), lambda view, today: questions_export(view)),
    "reviews": (_l("Checklist review scores"), lambda view, today: reviews_export(view)),
    "results": (_l("Results beside training"), results_export),
}


# ---- a person's record ------------------------------------------------------------------------

def _courses(record: Record):
    return ([_l("Course"), _l("Lessons done"), _l("Lessons"), _l("Progress (%)"),
             _l("Started"), _l("Completed on")],
            [[c.title, c.done, c.lessons, c.percent, c.started_at, c.completed_at]
             for c in record.courses])


def _attempts(record: Record):
    return ([_l("Quiz"), _l("Attempt"), _l("State"), _l("Started"), _l("Finished on"),
             _l("Score"), _l("Out of"), _l("Percent"), _l("Passed")],
            [[a.title, a.attempt.number, str(ATTEMPT_LABELS.get(a.attempt.state, a.attempt.state)),
              a.attempt.started_at,
              a.attempt.finished_at, a.attempt.score, a.attempt.max_score, a.attempt.percent,
              a.attempt.passed] for a in record.attempts])


def _acknowledgements(record: Record):
    return ([_l("SOP module"), _l("Version"), _l("Acknowledged on")],
            [[a.module_title, a.version_number, a.acknowledged_at]
             for a in record.acknowledgements])


def _runs(record: Record):
    return ([_l("SOP module"), _l("Case code"), _l("Case date"), _l("Status"), _l("Round"),
             _l("Decision"), _l("Average score (1–5)"), _l("Scores"), _l("Feedback")],
            [[r.module_title, r.run.case_code, r.run.case_at,
              str(RUN_LABELS.get(r.run.status, r.run.status)), r.run.round,
              str(DECISION_LABELS[r.review.decision]) if r.review else None,
              None if r.mean_score is None else round(r.mean_score, 2), _scores(r),
              r.review.reason if r.review else None] for r in record.runs])


def _scores(line) -> str:
    return str(_l("; ")).join(str(_l("%(label)s: %(value)s", label=label, value=value))
                              for label, value in line.criteria)


def _results(record: Record):
    return ([_l("Metric"), _l("Period"), _l("Value"), _l("Status")],
            [[h.metric.name, p.label, rounded(p.value, h.metric.decimals),
              p.result.status if p.result else None]
             for h in record.results for p in h.points])


def _exams(record: Record):
    return ([_l("Quiz"), _l("Outcome"), _l("Counted score (%)"), _l("Handed in")],
            [[e.quiz.title, str(EXAM_LABELS[e.outcome]), e.percent, e.attempts]
             for e in record.exams])


RECORD_TABLES = {
    "courses": (_l("Courses"), _courses),
    "attempts": (_l("Quiz attempts"), _attempts),
    "exams": (_l("Exams"), _exams),
    "acknowledgements": (_l("SOP acknowledgements"), _acknowledgements),
    "runs": (_l("Checklist runs"), _runs),
    "results": (_l("Private-domain results"), _results),
}
