"""Trainer analytics: the index, a course, a quiz and an SOP module, each table with CSV and
.xlsx downloads (`?table=…&format=csv|xlsx`, with the page's filters). Definitions:
docs/analytics.md."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request

from app.extensions import db
from app.models import Course, SopModule
from app.models.quiz import Quiz
from app.permissions import Permission, require
from app.services.analytics import pages
from app.services.analytics.content_exports import COURSE_TABLES, INDEX_TABLES, SOP_TABLES
from app.services.analytics.filters import make_filters
from app.services.analytics.quiz_exports import QUIZ_TABLES
from app.services.analytics.quiz_stats import FLAG_LABELS, MIN_TAKERS
from app.services.analytics.quizzes import quiz_analysis
from app.services.org import department_options
from app.web.exporting import table_download
from app.web.forms import db_int
from app.web.manage import bp


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters():
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    return make_filters(_date_arg("from"), _date_arg("to"),
                        request.args.get("department", type=db_int), zone)


def _render(template: str, filters, **context):
    return render_template(f"manage/analytics/{template}", filters=filters,
                           departments=department_options(), min_takers=MIN_TAKERS, **context)


def _download(tables: dict, default: str, title: str, *args):
    """The table named by ?table= (404 when unknown) as ?format= (400 when unknown)."""
    return table_download(tables, default, _filters(), *args, title=title)


@bp.get("/analytics")
@require(Permission.AUTHOR_CONTENT)
def analytics():
    filters = _filters()
    return _render("index.html", filters, data=pages.index_page(filters))


@bp.get("/analytics/export")
@require(Permission.AUTHOR_CONTENT)
def analytics_export():
    return _download(INDEX_TABLES, "courses", "")


@bp.get("/analytics/courses/<int:course_id>")
@require(Permission.AUTHOR_CONTENT)
def analytics_course(course_id: int):
    course, filters = db.get_or_404(Course, course_id), _filters()
    return _render("course.html", filters, course=course,
                   data=pages.course_page(filters, course))


@bp.get("/analytics/courses/<int:course_id>/export")
@require(Permission.AUTHOR_CONTENT)
def analytics_course_export(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _download(COURSE_TABLES, "lessons", course.title, course.id)


@bp.get("/analytics/quizzes/<int:quiz_id>")
@require(Permission.AUTHOR_CONTENT)
def analytics_quiz(quiz_id: int):
    quiz, filters = db.get_or_404(Quiz, quiz_id), _filters()
    return _render("quiz.html", filters, quiz=quiz, data=quiz_analysis(filters, quiz.id),
                   flag_labels=FLAG_LABELS)


@bp.get("/analytics/quizzes/<int:quiz_id>/export")
@require(Permission.AUTHOR_CONTENT)
def analytics_quiz_export(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    return _download(QUIZ_TABLES, "items", quiz.title, quiz.id)


@bp.get("/analytics/sop/<int:module_id>")
@require(Permission.AUTHOR_CONTENT)
def analytics_sop(module_id: int):
    module, filters = db.get_or_404(SopModule, module_id), _filters()
    return _render("sop.html", filters, module=module, data=pages.sop_page(filters, module))


@bp.get("/analytics/sop/<int:module_id>/export")
@require(Permission.AUTHOR_CONTENT)
def analytics_sop_export(module_id: int):
    module = db.get_or_404(SopModule, module_id)
    return _download(SOP_TABLES, "criteria", module.title, module)
