"""Views of the grading blueprint: the queue, grading one short answer, an attempt read-only."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models.base import utcnow
from app.permissions import Permission, require_any
from app.services.errors import NotFound
from app.services.quiz import grading_queue
from app.services.quiz.answer_text import correct_text, response_text
from app.services.quiz.grading import grade_token
from app.services.reports.queue_tables import grading_submitted_table, grading_waiting_table
from app.web.exporting import table_download
from app.web.forms import choices, db_int, save_or_render
from app.web.grading import bp
from app.web.grading.forms import GradeForm

GRADERS = (Permission.VIEW_TEAM, Permission.AUTHOR_CONTENT)
TEXT = {"response_text": response_text, "correct_text": correct_text}


@bp.get("/")
@require_any(*GRADERS)
def index():
    quiz_id = request.args.get("quiz", type=db_int)
    page = grading_queue.waiting_page(current_user, quiz_id,
                                      request.args.get("page", 1, type=db_int))
    return render_template("grading/index.html", page=page, quiz_id=quiz_id,
                           quizzes=grading_queue.waiting_quizzes(current_user),
                           recent=grading_queue.recent_attempts(current_user))


GRADING_TABLES = {"waiting": (_l("Short answers to grade"), grading_waiting_table),
                  "submitted": (_l("Submitted attempts"), grading_submitted_table)}


@bp.get("/export")
@require_any(*GRADERS)
def index_export():
    """?table=waiting (the answers waiting, of the ?quiz= chosen) or submitted (every
    submitted attempt in the viewer's scope, of that quiz when chosen) as Excel or CSV."""
    return table_download(GRADING_TABLES, "waiting", current_user,
                          request.args.get("quiz", type=db_int))


def _next_url(quiz_id: int | None) -> str:
    row = grading_queue.next_waiting(current_user, quiz_id)
    if row is None:
        return url_for("grading.index", quiz=quiz_id)
    return url_for("grading.answer", answer_id=row.id, quiz=quiz_id)


def _grade_form(row) -> GradeForm:
    if request.method == "POST":
        form = GradeForm()
    else:
        marks = row.rubric_marks or []
        form = GradeForm(data={"points": row.score, "comment": row.grader_comment,
                               "rubric": [i for i, met in enumerate(marks) if met],
                               "seen": grade_token(row)})
    rubric = row.version.data.get("payload", {}).get("rubric", [])
    form.rubric.choices = choices(enumerate(rubric))
    return form


def _suggestion(row, form: GradeForm) -> float | None:
    """What the ticked rubric points suggest (shown beside the points; rubric.js updates it)."""
    chosen = set(form.rubric.data or [])
    if not chosen:
        return None
    return grading_queue.rubric_suggestion(row.points, len(form.rubric.choices), chosen)


def _grade_data(form: GradeForm) -> grading_queue.GradeData:
    return grading_queue.GradeData(form.points.data, form.comment.data, form.rubric.data,
                                   form.seen.data)


@bp.route("/answers/<int:answer_id>", methods=["GET", "POST"])
@require_any(*GRADERS)
def answer(answer_id: int):
    try:
        row = grading_queue.load_answer(current_user, answer_id)
    except NotFound:
        abort(404)
    form, quiz_id = _grade_form(row), request.args.get("quiz", type=db_int)
    return save_or_render(
        form, lambda: grading_queue.grade_answer(row, current_user, _grade_data(form), utcnow()),
        lambda _done: _next_url(quiz_id), "grading/answer.html",
        message=lambda _done: _("Graded."), row=row, attempt=row.attempt, quiz_id=quiz_id,
        suggestion=_suggestion(row, form), **TEXT)


@bp.get("/attempts/<int:attempt_id>")
@require_any(*GRADERS)
def attempt(attempt_id: int):
    try:
        found = grading_queue.load_attempt(current_user, attempt_id)
    except NotFound:
        abort(404)
    return render_template("grading/attempt.html", attempt=found, **TEXT)
