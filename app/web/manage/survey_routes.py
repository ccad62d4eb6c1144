"""Trainer views for surveys (问卷): the list, the builder (settings, questions, order,
publish, close, attachments) and the results with their download."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models.base import utcnow
from app.models.surveys import Survey, SurveyAttachment, SurveyQuestion
from app.permissions import Permission, require
from app.services.items import labels
from app.services.surveys import attachments, authoring, results
from app.services.surveys.questions import TYPES
from app.web.exporting import export_response
from app.web.forms import GuardedForm, choices
from app.web.manage import bp
from app.web.manage.forms import DeleteForm, MoveForm
from app.web.manage.helpers import post_action, save_or_render
from app.web.manage.survey_forms import AttachForm, QuestionForm, SurveyForm


def _builder(survey_id: int, anchor: str | None = None) -> str:
    return url_for("manage.survey_detail", survey_id=survey_id, _anchor=anchor)


def _survey_data(form: SurveyForm) -> authoring.SurveyData:
    return authoring.SurveyData(form.title.data or "", form.description.data or "",
                                bool(form.anonymous.data))


def _question_data(form: QuestionForm) -> authoring.QuestionData:
    return authoring.QuestionData(form.type.data or "", form.text.data or "",
                                  (form.options.data or "").splitlines(), bool(form.required.data))


@bp.route("/surveys", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def surveys():
    rows = db.session.scalars(select(Survey).order_by(Survey.archived, Survey.id.desc())).all()
    form = SurveyForm()
    return save_or_render(form, lambda: authoring.save_survey(current_user, None,
                                                              _survey_data(form)),
                          lambda saved: _builder(saved.id), "manage/surveys/index.html",
                          rows=rows)


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def survey_detail(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    form, attach_form = SurveyForm(obj=survey), AttachForm()
    kinds = labels(SurveyAttachment)
    attach_form.item.choices = choices([("", _("— choose —"))] + [
        (f"{kind}:{item_id}", f"{kinds[kind]} · {title}")
        for kind, rows in attachments.attachable().items() for item_id, title in rows])
    return save_or_render(form, lambda: authoring.save_survey(current_user, survey,
                                                              _survey_data(form)),
                          lambda saved: _builder(saved.id), "manage/surveys/detail.html",
                          survey=survey, question_form=QuestionForm(), attach_form=attach_form,
                          attached=attachments.attachments_of(survey), types=TYPES)


@bp.post("/surveys/<int:survey_id>/questions")
@require(Permission.AUTHOR_CONTENT)
def survey_question_add(survey_id: int):
    survey, form = db.get_or_404(Survey, survey_id), QuestionForm()
    return post_action(form, lambda: authoring.save_question(survey, None, _question_data(form)),
                       _builder(survey.id, "questions"), _("Question added."))


@bp.route("/survey-questions/<int:question_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def survey_question_edit(question_id: int):
    question = db.get_or_404(SurveyQuestion, question_id)
    form = QuestionForm(obj=question)
    if request.method == "GET":
        form.options.data = "\n".join(question.options or [])
    back = _builder(question.survey_id, f"question-{question.id}")
    return save_or_render(form, lambda: authoring.save_question(question.survey, question,
                                                                _question_data(form)),
                          lambda _saved: back, "manage/surveys/question_form.html",
                          question=question, back=back)


@bp.post("/survey-questions/<int:question_id>/move")
@require(Permission.AUTHOR_CONTENT)
def survey_question_move(question_id: int):
    question, form = db.get_or_404(SurveyQuestion, question_id), MoveForm()
    return post_action(form, lambda: authoring.move_question(question, form.direction.data),
                       _builder(question.survey_id, f"question-{question.id}"))


@bp.post("/survey-questions/<int:question_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def survey_question_delete(question_id: int):
    question, form = db.get_or_404(SurveyQuestion, question_id), DeleteForm()
    return post_action(form, lambda: authoring.delete_question(question),
                       _builder(question.survey_id, "questions"), _("Deleted."))


@bp.post("/surveys/<int:survey_id>/publish")
@require(Permission.AUTHOR_CONTENT)
def survey_publish(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    return post_action(GuardedForm(), lambda: authoring.publish(survey), _builder(survey.id),
                       _("Published: the survey takes answers."))


@bp.post("/surveys/<int:survey_id>/close")
@require(Permission.AUTHOR_CONTENT)
def survey_close(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    return post_action(GuardedForm(), lambda: authoring.close(current_user, survey, utcnow()),
                       _builder(survey.id), _("Closed: the survey takes no more answers."))


@bp.post("/surveys/<int:survey_id>/attachments")
@require(Permission.AUTHOR_CONTENT)
def survey_attach(survey_id: int):
    survey, form = db.get_or_404(Survey, survey_id), AttachForm()
    kind, _sep, item_id = (form.item.data or "").partition(":")
    number = int(item_id) if item_id.isdigit() and len(item_id) < 10 else None
    return post_action(form, lambda: attachments.attach(survey, kind, number),
                       _builder(survey.id, "attachments"), _("Saved."))


@bp.post("/survey-attachments/<int:attachment_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def survey_detach(attachment_id: int):
    row, form = db.get_or_404(SurveyAttachment, attachment_id), DeleteForm()
    return post_action(form, lambda: db.session.delete(row),
                       _builder(row.survey_id, "attachments"), _("Deleted."))


@bp.get("/surveys/<int:survey_id>/results")
@require(Permission.AUTHOR_CONTENT)
def survey_results(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    count, rows = results.survey_results(survey)
    return render_template("manage/surveys/results.html", survey=survey, count=count,
                           rows=rows, minimum=results.MIN_ANSWERS)


@bp.get("/surveys/<int:survey_id>/results/export")
@require(Permission.AUTHOR_CONTENT)
def survey_export(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    headers, rows = results.export_rows(survey)
    return export_response(request.args.get("format"), survey.title, headers, rows)
