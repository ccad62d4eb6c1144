"""Trainer views for the questions of a bank: write one of the eight types, edit it (each
changed save is a new version), look at it as learners will, archive it."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models.quiz import Question, QuestionBank, QuestionVersion
from app.permissions import Permission, require
from app.services.quiz import bank_authoring as authoring
from app.services.quiz.data import TYPE_NAMES, QuestionData
from app.services.quiz.question_input import CHOICE_TYPES, build_question, question_input
from app.services.quiz.scoring_preview import form_preview, preview
from app.services.quiz.types import TYPES
from app.web.manage import bp
from app.web.manage.bank_forms import BLANK_OPTION_ROWS, QuestionForm
from app.web.manage.forms import ArchiveForm
from app.web.manage.helpers import post_action, save_or_render

NEW_OPTION_ROWS = 4
TEMPLATE = "manage/banks/question_form.html"


def _paths(bank: QuestionBank) -> list[str]:
    return [node.path for node in authoring.category_tree(bank)]


def _context(form: QuestionForm, bank: QuestionBank, question: Question | None,
             kind: str) -> dict:
    return {"bank": bank, "question": question, "kind": kind, "type_label": TYPES[kind].label,
            "types": TYPES, "type_names": TYPE_NAMES, "choice_types": CHOICE_TYPES,
            **_scoring(form, kind)}


def _scoring(form: QuestionForm, kind: str) -> dict:
    """A 多选题's rule and what 全选 / 只选一个正确项 score, as the form stands."""
    if kind != "multiple_choice":
        return {}
    found, problem = form_preview(form.to_input(kind, "markdown"))
    return {"scoring": found, "scoring_problem": problem}


def _show_form(form: QuestionForm, bank: QuestionBank, question: Question | None, kind: str,
               blank_rows: int):
    """The form without saving: first display, or "more option rows" pressed."""
    form.fill(_paths(bank), blank_rows if kind in CHOICE_TYPES else 0)
    return render_template(TEMPLATE, form=form, **_context(form, bank, question, kind))


def _question_form(form: QuestionForm, bank: QuestionBank, question: Question | None,
                   kind: str, text_format: str = "markdown"):
    """Save: create, or add a version when anything changed; or show what is wrong."""
    if form.more_options.data:
        return _show_form(form, bank, question, kind, BLANK_OPTION_ROWS)
    form.fill(_paths(bank))

    def save():
        data = build_question(form.to_input(kind, text_format))
        if question is None:
            return authoring.create_question(bank, data)
        return authoring.save_question(question, data) or False

    def message(result) -> str:
        if result is False:
            return _("Nothing changed; the question is still version %(number)d.",
                     number=question.current_version)
        number = result.number if isinstance(result, QuestionVersion) else 1
        return _("Saved as version %(number)d.", number=number)

    return save_or_render(
        form, save, lambda result: url_for("manage.question_detail",
                                           question_id=(question or result).id),
        TEMPLATE, message=message, **_context(form, bank, question, kind))


@bp.route("/banks/<int:bank_id>/questions/new", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def question_new(bank_id: int):
    bank = db.get_or_404(QuestionBank, bank_id)
    form = QuestionForm()
    kind = request.args.get("type") or form.type.data
    if kind not in TYPES:
        return render_template("manage/banks/type_choice.html", bank=bank, types=TYPES,
                               type_names=TYPE_NAMES)
    if request.method == "POST":
        return _question_form(form, bank, None, kind)
    form.type.data, form.category.data = kind, request.args.get("category", "")[:500]
    return _show_form(form, bank, None, kind, NEW_OPTION_ROWS)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def question_edit(question_id: int):
    question = db.get_or_404(Question, question_id)
    data = QuestionData.from_dict(authoring.current_version(question).data)
    if request.method == "GET":
        category = question.category.path if question.category else ""
        form = QuestionForm(obj=question_input(data, category))
        kind = request.args.get("type") if request.args.get("type") in TYPES else data.type
        form.type.data = kind
        return _show_form(form, question.bank, question, kind, BLANK_OPTION_ROWS)
    form = QuestionForm()
    kind = form.type.data if form.type.data in TYPES else data.type
    return _question_form(form, question.bank, question, kind, data.text_format)


@bp.post("/questions/scoring-preview")
@require(Permission.AUTHOR_CONTENT)
def question_scoring_preview():
    """js/scoring.js: the 多选题 form as typed in, its scoring preview (HTML) out."""
    form = QuestionForm()
    form.fill([])
    return render_template("manage/banks/_scoring.html", **_scoring(form, "multiple_choice"))


@bp.get("/questions/<int:question_id>")
@require(Permission.AUTHOR_CONTENT)
def question_detail(question_id: int):
    question = db.get_or_404(Question, question_id)
    number = request.args.get("version", question.current_version, int)
    version = db.first_or_404(select(QuestionVersion).where(
        QuestionVersion.question_id == question.id, QuestionVersion.number == number))
    data = QuestionData.from_dict(version.data)
    scoring = preview(data.payload, data.points) if data.type == "multiple_choice" else None
    return render_template("manage/banks/question.html", question=question, version=version,
                           data=data, types=TYPES, scoring=scoring, archive_form=ArchiveForm())


@bp.post("/questions/<int:question_id>/archive")
@require(Permission.AUTHOR_CONTENT)
def question_archive(question_id: int):
    question, form = db.get_or_404(Question, question_id), ArchiveForm()
    archived = form.archived.data == "1"
    return post_action(form, lambda: authoring.set_question_archived(question, archived),
                       url_for("manage.question_detail", question_id=question.id),
                       _("Archived.") if archived else _("Restored."))
