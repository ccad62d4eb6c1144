"""Views of the learn blueprint: 我的学习, search, courses and lessons."""

from collections.abc import Mapping

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.assign.tasks import owed_count
from app.services.certificates import needing_renewal
from app.services.content import acknowledgement, learning, search
from app.services.content.audience import find_course
from app.services.content.lesson_page import LessonPage, lesson_page, open_meant_for
from app.services.errors import DomainError
from app.services.items.kinds import COURSE
from app.services.quiz.quizzes import visible_quizzes
from app.services.quiz.taking import standalone_quiz_cards
from app.services.quiz.wrong_book import book_size
from app.services.surveys.attachments import evaluations_due
from app.web.learn import bp
from app.web.learn.task_routes import find_or_assigned


@bp.get("/")
@require(Permission.LEARN)
def index():
    return render_template("learn/index.html", user=current_user,
                           courses=learning.course_cards(current_user),
                           modules=acknowledgement.sop_cards(current_user),
                           quizzes=standalone_quiz_cards(current_user),
                           wrong_book_size=book_size(current_user),
                           tasks_owed=owed_count(current_user, utcnow()),
                           renewals=needing_renewal(current_user.id, utcnow()))


@bp.get("/search")
@require(Permission.LEARN)
def search_page():
    result = search.search(current_user, request.args.get("q", ""))
    return render_template("learn/search.html", result=result)


def _course_or_404(course_slug: str):
    found = find_or_assigned(find_course, COURSE.key, course_slug)
    if found is None:
        abort(404)
    return found


@bp.get("/courses/<course_slug>")
@require(Permission.LEARN)
def course(course_slug: str):
    course, version = _course_or_404(course_slug)
    outline = learning.course_outline(current_user, course, version)
    return render_template("learn/course.html", outline=outline,
                           quizzes=visible_quizzes(current_user, course_id=course.id),
                           evaluations=evaluations_due(current_user, COURSE.key, course.id))


@bp.get("/courses/<course_slug>/<lesson_key>")
@require(Permission.LEARN)
def lesson(course_slug: str, lesson_key: str):
    page = open_meant_for(current_user, course_slug, lesson_key)
    if page is False:  # not meant for them: perhaps assigned to them
        course, version = _course_or_404(course_slug)
        page = lesson_page(current_user, course, version, lesson_key)
    if not isinstance(page, LessonPage):
        abort(404)
    html = render_template("learn/lesson.html", page=page)
    if page.changed:  # a first open, or 继续学习 moves here; after rendering, since a
        db.session.commit()  # commit expires the rows the page shows (they would reload)
    return html


@bp.post("/courses/<course_slug>/<lesson_key>/progress")
@require(Permission.LEARN)
def progress(course_slug: str, lesson_key: str):
    """The lesson page's reports (JSON from lesson.js) and the 标记为已学完 form."""
    course, version = _course_or_404(course_slug)
    lesson = learning.find_lesson(version, lesson_key) or abort(404)
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data if isinstance(data, Mapping) else {}
    here = url_for(".lesson", course_slug=course.slug, lesson_key=lesson.key)
    try:
        row = learning.record_progress(current_user, course, version, lesson, data.get("event"),
                                       data.get("position"), data.get("duration"))
    except DomainError as error:
        if request.is_json:
            return jsonify(error=str(error)), 400
        flash(str(error), "error")
        return redirect(here)
    db.session.commit()
    if request.is_json:
        return jsonify(completed=row.completed_at is not None, position=row.media_position)
    flash(_("Lesson marked as done."), "success")
    return redirect(here)
