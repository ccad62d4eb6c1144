"""Trainer views for courses: details and audience, chapters, lessons."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Course, CourseChapter, CourseLesson
from app.permissions import Permission, require
from app.services.content import authoring, history
from app.services.content.kinds import COURSE
from app.services.markdown import render_markdown
from app.web.forms import choices
from app.web.manage import bp
from app.web.manage.forms import (
    ArchiveForm,
    ChapterForm,
    CourseForm,
    DeleteForm,
    LessonForm,
    MoveForm,
)
from app.web.manage.helpers import accepts_upload, fill_audience, post_action, save_or_render
from app.web.media import upload_settings


def _course_data(form: CourseForm) -> authoring.CourseData:
    return authoring.CourseData(
        title=form.title.data, summary=form.summary.data, sort_order=form.sort_order.data,
        position_ids=form.position_ids.data or [], department_ids=form.department_ids.data or [],
        remove_cover=form.remove_cover.data, validity_months=form.validity_months.data,
        recert_days=form.recert_days.data, slug=form.slug.data,
    )


def _course_form(form: CourseForm, course: Course | None):
    fill_audience(form, course)
    return save_or_render(
        form, lambda: authoring.save_course(course, _course_data(form), current_user,
                                            next(iter(form.uploads()), None),
                                            store=upload_settings()),
        lambda saved: url_for("manage.course_detail", course_id=saved.id),
        "manage/course_form.html", course=course,
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@accepts_upload("image")
@require(Permission.AUTHOR_CONTENT)
def course_new():
    return _course_form(CourseForm(), None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@accepts_upload("image")
@require(Permission.AUTHOR_CONTENT)
def course_edit(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _course_form(CourseForm(obj=course), course)


@bp.get("/courses/<int:course_id>")
@require(Permission.AUTHOR_CONTENT)
def course_detail(course_id: int):
    course = db.first_or_404(select(Course).where(Course.id == course_id).options(
        selectinload(Course.chapters).selectinload(CourseChapter.lessons),
        selectinload(Course.positions), selectinload(Course.departments)))
    return render_template("manage/course.html", course=course,
                           status=history.status(COURSE, course), chapter_form=ChapterForm())


@bp.post("/courses/<int:course_id>/archive")
@require(Permission.AUTHOR_CONTENT)
def course_archive(course_id: int):
    course, form = db.get_or_404(Course, course_id), ArchiveForm()
    archived = form.archived.data == "1"
    return post_action(form, lambda: authoring.set_course_archived(course, archived),
                       url_for("manage.course_detail", course_id=course.id),
                       _("Archived.") if archived else _("Restored."))


# ---- chapters --------------------------------------------------------------------------------

@bp.post("/courses/<int:course_id>/chapters")
@require(Permission.AUTHOR_CONTENT)
def chapter_add(course_id: int):
    course, form = db.get_or_404(Course, course_id), ChapterForm()
    return post_action(form, lambda: authoring.add_chapter(course, form.title.data),
                       url_for("manage.course_detail", course_id=course.id, _anchor="chapters"),
                       _("Chapter added."))


@bp.route("/chapters/<int:chapter_id>/edit", methods=["GET", "POST"])
@require(Permission.AUTHOR_CONTENT)
def chapter_edit(chapter_id: int):
    chapter = db.get_or_404(CourseChapter, chapter_id)
    form = ChapterForm(obj=chapter)
    back = url_for("manage.course_detail", course_id=chapter.course_id, _anchor="chapters")
    return save_or_render(form, lambda: authoring.rename_chapter(chapter, form.title.data),
                          lambda _saved: back, "manage/simple_form.html",
                          title=_("Rename the chapter"), back=back)


@bp.post("/chapters/<int:chapter_id>/move")
@require(Permission.AUTHOR_CONTENT)
def chapter_move(chapter_id: int):
    chapter, form = db.get_or_404(CourseChapter, chapter_id), MoveForm()
    return post_action(form, lambda: authoring.move_chapter(chapter, form.direction.data),
                       url_for("manage.course_detail", course_id=chapter.course_id,
                               _anchor=f"chapter-{chapter.id}"))


@bp.post("/chapters/<int:chapter_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def chapter_delete(chapter_id: int):
    chapter = db.get_or_404(CourseChapter, chapter_id)
    return post_action(DeleteForm(), lambda: authoring.delete_chapter(chapter),
                       url_for("manage.course_detail", course_id=chapter.course_id,
                               _anchor="chapters"), _("Deleted."))


# ---- lessons ---------------------------------------------------------------------------------

def _lesson_data(form: LessonForm) -> authoring.LessonData:
    return authoring.LessonData(
        title=form.title.data, body=form.body.data, chapter_id=form.chapter_id.data,
        remove_media={kind for kind in authoring.LESSON_MEDIA
                      if form[f"remove_{kind}"].data},
    )


def _lesson_form(form: LessonForm, chapter: CourseChapter, lesson: CourseLesson | None):
    form.chapter_id.choices = choices((c.id, c.title) for c in chapter.course.chapters)
    if request.method == "GET":
        form.chapter_id.data = chapter.id
    context = {"chapter": chapter, "lesson": lesson, "preview": render_markdown(form.body.data)}
    if form.preview.data and form.validate_on_submit():  # 预览 without JavaScript: no save
        return render_template("manage/lesson_form.html", form=form, **context)
    return save_or_render(
        form, lambda: authoring.save_lesson(lesson, chapter, _lesson_data(form), current_user,
                                            form.uploads(), store=upload_settings()),
        lambda saved: url_for("manage.lesson_edit", lesson_id=saved.id),
        "manage/lesson_form.html", **context,
    )


@bp.route("/chapters/<int:chapter_id>/lessons/new", methods=["GET", "POST"])
@accepts_upload("video")
@require(Permission.AUTHOR_CONTENT)
def lesson_new(chapter_id: int):
    return _lesson_form(LessonForm(), db.get_or_404(CourseChapter, chapter_id), None)


@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@accepts_upload("video")
@require(Permission.AUTHOR_CONTENT)
def lesson_edit(lesson_id: int):
    lesson = db.get_or_404(CourseLesson, lesson_id)
    return _lesson_form(LessonForm(obj=lesson), lesson.chapter, lesson)


@bp.get("/lessons/<int:lesson_id>")
@require(Permission.AUTHOR_CONTENT)
def lesson_detail(lesson_id: int):
    lesson = db.get_or_404(CourseLesson, lesson_id)
    return render_template("manage/lesson.html", lesson=lesson, course=lesson.chapter.course,
                           body=render_markdown(lesson.body))


@bp.post("/lessons/<int:lesson_id>/move")
@require(Permission.AUTHOR_CONTENT)
def lesson_move(lesson_id: int):
    lesson, form = db.get_or_404(CourseLesson, lesson_id), MoveForm()
    return post_action(form, lambda: authoring.move_lesson(lesson, form.direction.data),
                       url_for("manage.course_detail", course_id=lesson.course_id,
                               _anchor=f"lesson-{lesson.id}"))


@bp.post("/lessons/<int:lesson_id>/delete")
@require(Permission.AUTHOR_CONTENT)
def lesson_delete(lesson_id: int):
    lesson = db.get_or_404(CourseLesson, lesson_id)
    return post_action(DeleteForm(), lambda: authoring.delete_lesson(lesson),
                       url_for("manage.course_detail", course_id=lesson.course_id,
                               _anchor="chapters"), _("Deleted."))
