"""Trainer views for a quiz's questions: the picker, fixed questions, draw rules."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models.quiz import Quiz, QuizDrawRule, QuizItem
from app.permissions import Permission, require
from app.services.content import recheck
from app.services.quiz import authoring, quiz_picker
from app.services.quiz.data import TYPE_NAMES
from app.services.quiz.types import get_type
from app.web.forms import choices, db_int
from app.web.manage import bp
from app.web.manage.forms import DeleteForm, MoveForm
from app.web.manage.helpers import post_action, save_or_render
from app.web.manage.quiz_forms import DrawRuleForm, ItemPointsForm, PickerAddForm

DIFFICULTIES = range(1, 6)
FILTER_ARGS = ("bank", "category", "type", "difficulty", "tag", "q")
ALL_BANKS = "all"


def _type_labels() -> dict[str, str]:
    return {name: get_type(name).label for name in TYPE_NAMES}


def _bank_arg(quiz: Quiz) -> str:
    """The bank filter as the query string gives it: "all", a bank id, or — when the picker
    is opened without one — the quiz's own bank (quiz_picker.default_bank_id)."""
    if "bank" in request.args:
        return request.args["bank"] or ALL_BANKS
    default = quiz_picker.default_bank_id(quiz)
    return ALL_BANKS if default is None else str(default)


def _bank_id(bank: str) -> int | None:
    try:
        return db_int(bank)
    except ValueError:  # "all" or nonsense: every bank
        return None


def _filters(bank: str) -> quiz_picker.PickerFilters:
    args = request.args
    return quiz_picker.PickerFilters(
        bank_id=_bank_id(bank),
        category_id=args.get("category", type=db_int),
        tag=args.get("tag", ""), type=args.get("type", ""),
        difficulty=args.get("difficulty", type=db_int), text=args.get("q", ""))


def _filter_args() -> dict[str, str]:
    """The picker's filters from the query string (nothing else is passed on to url_for)."""
    return {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}


def _back_to_quiz(quiz_id: int, anchor: str) -> str:
    return url_for("manage.quiz_detail", quiz_id=quiz_id, _anchor=anchor)


# ---- the picker ------------------------------------------------------------------------------

@bp.get("/quizzes/<int:quiz_id>/questions")
@require(Permission.AUTHOR_CONTENT)
def quiz_picker_page(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    bank = _bank_arg(quiz)
    filters = _filters(bank)
    page, versions = quiz_picker.picker_page(filters, request.args.get("page", 1, type=db_int))
    return render_template(
        "manage/quizzes/picker.html", quiz=quiz, page=page, versions=versions,
        args=_filter_args() | {"bank": bank}, all_banks=ALL_BANKS,
        in_quiz={item.question_id for item in quiz.items}, banks=quiz_picker.banks(),
        categories=quiz_picker.categories(filters.bank_id), type_labels=_type_labels(),
        difficulties=DIFFICULTIES, form=PickerAddForm())


@bp.post("/quizzes/<int:quiz_id>/questions")
@require(Permission.AUTHOR_CONTENT)
def quiz_add_questions(quiz_id: int):
    quiz, form = db.get_or_404(Quiz, quiz_id), PickerAddForm()
    return post_action(form, lambda: authoring.add_questions(quiz, form.question_ids.data),
                       url_for("manage.quiz_picker_page", quiz_id=quiz.id, **_filter_args()),
                       _("Questions added."))


# ---- fixed questions -------------------------------------------------------------------------

@bp.post("/quiz-items/<int:item_id>/move")
@require(Permission.AUTHOR_CONTENT)
def quiz_item_move(item_id: int):
    item, form = db.get_or_404(QuizItem, item_id), MoveForm()
    return post_action(form, lambda: authoring.move_item(item, form.direction.data),
                       _back_to_quiz(item.quiz_id, f"item-{item.id}"))


@bp.post("/quiz-items/<int:item_id>/points")
@require(Permission.AUTHOR_CONTENT)
def quiz_item_points(item_id: int):
    item, form = db.get_or_404(QuizItem, item_id), ItemPointsForm()
    def save() -> None:
        authoring.set_item_rules(item, form.points.data, form.must_pass.data)
        recheck.set_item_step(item, form.step.data or None)
    return post_action(form, save, _back_to_quiz(item.quiz_id, f"item-{item.id}"), _("Saved."))


@bp.post("/quiz-items/<int:item_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def quiz_item_delete(item_id: int):
    item = db.get_or_404(QuizItem, item_id)
    return post_action(DeleteForm(), lambda: authoring.remove_item(item),
                       _back_to_quiz(item.quiz_id, "questions"), _("Removed from the quiz."))


# ---- draw rules ------------------------------------------------------------------------------

def _rule_data(form: DrawRuleForm) -> authoring.DrawRuleData:
    return authoring.DrawRuleData(
        bank_id=form.bank_id.data or None, category_id=form.category_id.data or None,
        tag=form.tag.data, difficulty=form.difficulty.data or None, count=form.count.data,
        points=form.points.data)


def _rule_form(form: DrawRuleForm, quiz: Quiz, rule: QuizDrawRule | None):
    form.bank_id.choices = choices([(0, _("— choose —"))] +
                                   [(b.id, b.title) for b in quiz_picker.banks()])
    form.category_id.choices = choices([(0, _("Any category"))] + [
        (c.id, f"{bank_title} / {c.path}") for c, bank_title in quiz_picker.categories()])
    form.difficulty.choices = choices([(0, _("Any difficulty"))] +
                                      [(d, str(d)) for d in DIFFICULTIES])
    return save_or_render(form, lambda: authoring.save_draw_rule(quiz, rule, _rule_data(form)),
                          lambda _saved: _back_to_quiz(quiz.id, "rules"),
                          "manage/quizzes/rule_form.html", quiz=quiz, rule=rule)


@bp.route("/quizzes/<int:quiz_id>/rules/new", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def quiz_rule_new(quiz_id: int):
    return _rule_form(DrawRuleForm(), db.get_or_404(Quiz, quiz_id), None)


@bp.route("/quiz-rules/<int:rule_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def quiz_rule_edit(rule_id: int):
    rule = db.get_or_404(QuizDrawRule, rule_id)
    return _rule_form(DrawRuleForm(obj=rule), rule.quiz, rule)


@bp.post("/quiz-rules/<int:rule_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def quiz_rule_delete(rule_id: int):
    rule = db.get_or_404(QuizDrawRule, rule_id)
    return post_action(DeleteForm(), lambda: authoring.delete_draw_rule(rule),
                       _back_to_quiz(rule.quiz_id, "rules"), _("Deleted."))
