"""Trainer views for question banks (题库): the list, a bank with its filters and category
tree, categories, and import / export files. Questions themselves: question_routes.py."""

from __future__ import annotations

import io

from flask import render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models.quiz import QuestionBank
from app.permissions import Permission, require
from app.services.importers.estimate import questions_seconds
from app.services.quiz import bank_authoring as authoring
from app.services.quiz.data import TYPE_NAMES
from app.services.quiz.types import TYPES
from app.web.forms import db_int
from app.web.imports import run_import
from app.web.manage import bp
from app.web.manage.bank_forms import BankForm, CategoryForm, ImportForm, RenameCategoryForm
from app.web.manage.helpers import post_action, save_or_render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_KEYS = ("category", "tag", "type", "difficulty", "q", "status")


@bp.route("/banks", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def banks():
    form = BankForm()
    return save_or_render(
        form, lambda: authoring.create_bank(form.title.data, form.slug.data),
        lambda bank: url_for("manage.bank_detail", bank_id=bank.id), "manage/banks/list.html",
        message=lambda bank: _("The question bank “%(title)s” is created.", title=bank.title),
        overview=authoring.bank_overview)


def _filters(args) -> authoring.QuestionFilters:
    """The filters in the query string; anything unknown is ignored."""
    difficulty = args.get("difficulty", "")
    return authoring.QuestionFilters(
        category=args.get("category", "")[:500], tag=args.get("tag", "")[:40],
        type=args.get("type", "") if args.get("type") in TYPES else "",
        difficulty=int(difficulty) if difficulty in ("1", "2", "3", "4", "5") else None,
        text=args.get("q", "")[:200],
        status=args.get("status") if args.get("status") in authoring.STATUSES else "active")


@bp.get("/banks/<int:bank_id>")
@require(Permission.AUTHOR_CONTENT)
def bank_detail(bank_id: int):
    bank = db.get_or_404(QuestionBank, bank_id)
    filters = _filters(request.args)
    page, versions = authoring.question_page(bank, filters, request.args.get("page", 1, db_int))
    return render_template(
        "manage/banks/bank.html", bank=bank, filters=filters, page=page, versions=versions,
        tree=authoring.category_tree(bank), tags=authoring.bank_tags(bank), types=TYPES,
        type_names=TYPE_NAMES,
        args={k: v for k in FILTER_KEYS if (v := request.args.get(k))},
        category_form=CategoryForm())


@bp.post("/banks/<int:bank_id>/categories")
@require(Permission.AUTHOR_CONTENT)
def category_add(bank_id: int):
    bank, form = db.get_or_404(QuestionBank, bank_id), CategoryForm()
    return post_action(form, lambda: authoring.add_category(bank, form.path.data),
                       url_for("manage.bank_detail", bank_id=bank.id, _anchor="categories"),
                       _("Category added."))


@bp.route("/banks/<int:bank_id>/categories/rename", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def category_rename(bank_id: int):
    bank, form = db.get_or_404(QuestionBank, bank_id), RenameCategoryForm()
    if request.method == "GET":
        form.old_path.data = form.path.data = request.args.get("path", "")[:500]
    return save_or_render(
        form, lambda: authoring.rename_category(bank, form.old_path.data, form.path.data),
        lambda _n: url_for("manage.bank_detail", bank_id=bank.id, _anchor="categories"),
        "manage/banks/category_rename.html", message=lambda _n: _("Category renamed."),
        bank=bank)


# ---- files -----------------------------------------------------------------------------------

@bp.route("/banks/<int:bank_id>/import", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def bank_import(bank_id: int):
    """Upload a GIFT / Aiken / Excel file: all or nothing; "check only" writes nothing."""
    from app.services.quiz.banks import import_questions

    bank, form = db.get_or_404(QuestionBank, bank_id), ImportForm()
    report, file_error = None, None
    if form.validate_on_submit():
        upload = form.file.data
        fmt = form.format.data if form.format.data in ("gift", "aiken", "xlsx") else None
        if upload is None or not getattr(upload, "filename", ""):
            file_error = _("Choose a question file to upload.")
        else:
            report, file_error = run_import(
                f"questions-import:{bank.slug}", lambda: import_questions(
                    bank.slug, upload.filename, upload.read(), fmt, dry_run=form.dry_run.data),
                dry_run=form.dry_run.data)
    return render_template("manage/banks/import.html", bank=bank, form=form, report=report,
                           file_error=file_error, types=TYPES,
                           estimate=report and questions_seconds(report.rows))


def _download(content: bytes, filename: str, mimetype: str):
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=filename)


@bp.get("/banks/<int:bank_id>/export.gift")
@require(Permission.AUTHOR_CONTENT)
def bank_export_gift(bank_id: int):
    from app.services.quiz.banks import export_bank

    return _download(*export_bank(db.get_or_404(QuestionBank, bank_id).id, "gift"))


@bp.get("/banks/<int:bank_id>/export.xlsx")
@require(Permission.AUTHOR_CONTENT)
def bank_export_xlsx(bank_id: int):
    from app.services.quiz.banks import export_bank

    return _download(*export_bank(db.get_or_404(QuestionBank, bank_id).id, "xlsx"))


@bp.get("/banks/template.xlsx")
@require(Permission.AUTHOR_CONTENT)
def bank_template_xlsx():
    from app.services.quiz.xlsx_template import template_workbook

    return _download(template_workbook(), _("question-bank-template.xlsx"), XLSX)
