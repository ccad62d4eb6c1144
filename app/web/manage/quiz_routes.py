"""Trainer views for quizzes: the list, settings, the overview, publishing, the results."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.base import utcnow
from app.models.quiz import Quiz, QuizDrawRule
from app.permissions import Permission, require
from app.services.quiz import attempts, authoring, quiz_picker, quiz_reports
from app.services.quiz.quizzes import question_count
from app.services.reports.page_tables import quiz_list_table, quiz_results_table
from app.web.exporting import table_download
from app.web.forms import choices
from app.web.manage import bp
from app.web.manage.helpers import post_action, save_or_render
from app.web.manage.quiz_forms import (
    GRADING_LABELS,
    MODE_LABELS,
    REVIEW_LABELS,
    FlagForm,
    ItemPointsForm,
    QuizForm,
)

LABELS = {"modes": MODE_LABELS, "grading_labels": GRADING_LABELS,
          "review_labels": REVIEW_LABELS}


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _settings_data(form: QuizForm) -> authoring.QuizSettingsData:
    names = ("title", "slug", "description", *authoring.SETTINGS)
    return authoring.QuizSettingsData(**{name: form[name].data for name in names},
                                      zone=_zone())


def _quiz_form(form: QuizForm, quiz: Quiz | None):
    courses, modules = quiz_picker.courses_and_modules()
    form.course_id.choices = choices([(0, _("— none —"))] + [(c.id, c.title) for c in courses])
    form.sop_module_id.choices = choices([(0, _("— none —"))] +
                                         [(m.id, m.title) for m in modules])
    return save_or_render(
        form, lambda: authoring.save_quiz(quiz, _settings_data(form), current_user),
        lambda saved: url_for("manage.quiz_detail", quiz_id=saved.id),
        "manage/quizzes/form.html", quiz=quiz)


@bp.get("/quizzes")
@require(Permission.AUTHOR_CONTENT)
def quiz_list():
    status = request.args.get("status", "active")
    status = status if status in quiz_reports.STATUSES else "active"
    return render_template("manage/quizzes/index.html", status=status,
                           rows=quiz_reports.quiz_overview(status), **LABELS)


@bp.get("/quizzes/export")
@require(Permission.AUTHOR_CONTENT)
def quiz_list_export():
    status = request.args.get("status", "active")
    status = status if status in quiz_reports.STATUSES else "active"
    return table_download({"quizzes": (_("Quizzes"), quiz_list_table)}, "quizzes", status)


@bp.route("/quizzes/new", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def quiz_new():
    return _quiz_form(QuizForm(), None)


@bp.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def quiz_edit(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    return _quiz_form(QuizForm(obj=authoring.settings_of(quiz, _zone())), quiz)


@bp.get("/quizzes/<int:quiz_id>")
@require(Permission.AUTHOR_CONTENT)
def quiz_detail(quiz_id: int):
    quiz = db.first_or_404(select(Quiz).where(Quiz.id == quiz_id).options(
        selectinload(Quiz.draw_rules).selectinload(QuizDrawRule.bank),
        selectinload(Quiz.draw_rules).selectinload(QuizDrawRule.category),
        selectinload(Quiz.course), selectinload(Quiz.sop_module)))
    return render_template("manage/quizzes/detail.html", quiz=quiz,
                           fixed=quiz_picker.fixed_questions(quiz),
                           count=question_count(quiz), points_form=ItemPointsForm(),
                           sop_steps=quiz.sop_module.steps if quiz.sop_module else [], **LABELS)


@bp.post("/quizzes/<int:quiz_id>/publish")
@require(Permission.AUTHOR_CONTENT)
def quiz_publish(quiz_id: int):
    quiz, form = db.get_or_404(Quiz, quiz_id), FlagForm()
    publish = form.value.data == "1"
    return post_action(form, lambda: authoring.set_published(quiz, publish),
                       url_for("manage.quiz_detail", quiz_id=quiz.id),
                       _("Published.") if publish else _("Withdrawn from employees."))


@bp.post("/quizzes/<int:quiz_id>/archive")
@require(Permission.AUTHOR_CONTENT)
def quiz_archive(quiz_id: int):
    quiz, form = db.get_or_404(Quiz, quiz_id), FlagForm()
    archive = form.value.data == "1"
    return post_action(form, lambda: authoring.set_archived(quiz, archive),
                       url_for("manage.quiz_detail", quiz_id=quiz.id),
                       _("Archived.") if archive else _("Restored."))


@bp.get("/quizzes/<int:quiz_id>/results")
@require(Permission.AUTHOR_CONTENT)
def quiz_results(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    if attempts.expire_overdue_attempts(utcnow(), quiz_id=quiz.id):
        db.session.commit()  # attempts past their deadline count as submitted
    return render_template("manage/quizzes/results.html", quiz=quiz,
                           results=quiz_reports.quiz_results(quiz), **LABELS)


@bp.get("/quizzes/<int:quiz_id>/results/export")
@require(Permission.AUTHOR_CONTENT)
def quiz_results_export(quiz_id: int):
    """Every attempt at the quiz as Excel or CSV; like the page, attempts past their deadline
    are counted as submitted first."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if attempts.expire_overdue_attempts(utcnow(), quiz_id=quiz.id):
        db.session.commit()
    return table_download({"attempts": (_("Quiz results"), quiz_results_table)}, "attempts",
                          quiz, title=quiz.title)
