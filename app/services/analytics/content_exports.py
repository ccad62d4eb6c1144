"""The downloadable tables of the analytics index (courses, quizzes, SOP modules), of a
course (its lessons) and of an SOP module (criteria, steps, runs), as (headers, rows) for
`app.web.exporting.export_response`. Rates are percentages with one decimal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import Department, PracticeRun, SopModule, User
from app.services.analytics.courses import course_summaries, lesson_funnel
from app.services.analytics.filters import Filters
from app.services.analytics.quiz_exports import percent, ratio
from app.services.analytics.quizzes import quiz_headlines
from app.services.analytics.sops import (
    criterion_scores,
    returned_steps,
    runs_in_view,
    sop_summaries,
)
from app.services.exports import stream_rows
from app.services.practice.rubric import rubric_of
from app.services.practice.run_pages import STATUS_LABELS

MODE_LABELS = {"exam": _l("Exam"), "practice": _l("Practice")}


def courses_table(filters: Filters):
    headers = [_l("Course"), _l("Lessons"), _l("People started"), _l("People completed"),
               _l("Completion rate (%)")]
    return headers, ((s.title, s.lessons, s.started, s.completed, percent(s.completion_rate))
                     for s in course_summaries(filters))


def quizzes_table(filters: Filters):
    headers = [_l("Quiz"), _l("Mode"), _l("Takers"), _l("Mean percent"),
               _l("Pass rate (%)")]
    return headers, ((h.title, str(MODE_LABELS.get(h.mode, h.mode)), h.takers,
                      ratio(h.mean, 1), percent(h.pass_rate)) for h in quiz_headlines(filters))


SOP_HEADERS = [_l("SOP module"), _l("Runs started"), _l("Handed in"), _l("Decided"),
               _l("Signed off"), _l("Sign-off rate (%)"), _l("Signed off in round 1"),
               _l("Average rounds to sign-off")]


def _sop_row(s) -> tuple:
    return (s.title, s.started, s.submitted, s.decided, s.signed_off, percent(s.sign_off_rate),
            s.first_time, ratio(s.rounds, 2))


def sops_table(filters: Filters):
    return SOP_HEADERS, (_sop_row(s) for s in sop_summaries(filters))


INDEX_TABLES = {
    "courses": (_l("Course analytics"), courses_table),
    "quizzes": (_l("Quiz analytics"), quizzes_table),
    "sops": (_l("SOP analytics"), sops_table),
}


def lessons_table(filters: Filters, course_id: int):
    headers = [_l("No."), _l("Chapter"), _l("Lesson"), _l("Reached"), _l("Completed"),
               _l("Dropped after this lesson")]
    return headers, ((lesson.rank + 1, lesson.chapter, lesson.title, lesson.reached,
                      lesson.completed, lesson.dropped)
                     for lesson in lesson_funnel(filters, course_id))


COURSE_TABLES = {"lessons": (_l("Lesson drop-off"), lessons_table)}


def criteria_table(filters: Filters, module: SopModule):
    order = [criterion.key for criterion in rubric_of(module)]
    headers = [_l("Criterion"), _l("Mean score (1–5)"), _l("Reviews")]
    return headers, ((str(c.label), ratio(c.mean, 2), c.reviews)
                     for c in criterion_scores(filters, module, order))


def steps_table(filters: Filters, module: SopModule):
    headers = [_l("Step"), _l("Comments when returned"), _l("Returning reviews")]
    return headers, ((s.title, s.comments, s.reviews)
                     for s in returned_steps(filters, module.id))


def runs_table(filters: Filters, module: SopModule):
    runs = runs_in_view(filters, module.id)
    query = (select(PracticeRun.id, User.name, User.login, Department.name,
                    PracticeRun.created_at, PracticeRun.status, PracticeRun.round,
                    PracticeRun.signed_off_at)
             .join(runs, runs.c.id == PracticeRun.id)
             .join(User, User.id == PracticeRun.user_id)
             .outerjoin(Department, Department.id == User.department_id)
             .order_by(PracticeRun.created_at, PracticeRun.id))
    headers = [_l("Run"), _l("Name"), _l("Login"), _l("Department"), _l("Started"),
               _l("Status"), _l("Round"), _l("Signed off")]
    return headers, ((*row[:5], str(STATUS_LABELS.get(row[5], row[5])), *row[6:])
                     for row in stream_rows(query))


SOP_TABLES = {
    "criteria": (_l("Rubric scores"), criteria_table),
    "steps": (_l("Returned steps"), steps_table),
    "runs": (_l("Practice runs"), runs_table),
}
