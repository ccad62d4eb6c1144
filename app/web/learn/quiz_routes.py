"""Views of the learn blueprint: a quiz's start page, taking an attempt one question per
screen (every answer saved as it is given), submitting, and the result with its review."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.extensions import db
from app.models.attempts import IN_PROGRESS
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import DomainError, NotFound
from app.services.items.kinds import QUIZ
from app.services.quiz import attempts as quiz_attempts
from app.services.quiz import quick_save, taking
from app.services.quiz.attempt_loading import load_attempt_at
from app.services.quiz.grading import review_allowed
from app.services.quiz.question_page import question_page
from app.services.quiz.quizzes import find_quiz
from app.services.quiz.types import TYPES
from app.services.quiz.wrong_book import STREAK_TO_LEAVE
from app.web.forms import db_int
from app.web.learn import bp
from app.web.learn.attempt_labels import attempt_labels
from app.web.learn.quiz_forms import (
    inline,
    next_position,
    question_map,
    raw_response,
    rich,
    wants_json,
)
from app.web.learn.task_routes import find_or_assigned

TYPED_KINDS = ("short_answer", "fill_blank", "numerical")  # a refused answer is shown again
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@bp.context_processor
def _quiz_helpers() -> dict:
    return {"rich": rich, "inline": inline, "question_types": TYPES,
            "streak_to_leave": STREAK_TO_LEAVE,
            "letter": lambda n: LETTERS[n] if n < len(LETTERS) else str(n + 1)}


def _quiz_or_404(quiz_slug: str):
    return find_or_assigned(find_quiz, QUIZ.key, quiz_slug) or abort(404)


def _attempt_at_or_404(attempt_id: int, position: int | None):
    """The attempt with the version of the question at `position` only (`load_attempt_at`)."""
    try:
        return load_attempt_at(attempt_id, current_user, position)
    except NotFound:
        abort(404)


@bp.get("/quizzes/<quiz_slug>")
@require(Permission.LEARN)
def quiz(quiz_slug: str):
    overview = taking.quiz_overview(_quiz_or_404(quiz_slug), current_user, utcnow())
    page = render_template("learn/quiz.html", overview=overview)
    if overview.handed_in:  # an overdue attempt was submitted; otherwise a GET writes nothing
        db.session.commit()
    return page


@bp.post("/quizzes/<quiz_slug>/start")
@require(Permission.LEARN)
def start_quiz(quiz_slug: str):
    """开始 or 继续: the open attempt, or a new one when the quiz's rules allow it."""
    found = _quiz_or_404(quiz_slug)
    try:
        attempt = quiz_attempts.start(found, current_user, utcnow())
    except DomainError as error:
        db.session.commit()  # keeps an overdue attempt's submission, nothing else was added
        flash(str(error), "error")
        return redirect(url_for(".quiz", quiz_slug=found.slug))
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@require(Permission.LEARN)
def attempt(attempt_id: int):
    """The question ?q=N of an open attempt, the 交卷 confirmation (?confirm=1), or the result."""
    asked = request.args.get("q", type=db_int)
    if not request.args.get("confirm"):  # a question of an open attempt: one statement
        now = utcnow()
        page = question_page(attempt_id, current_user.id, asked, now)
        if page is not None:
            return _render_question(page.attempt, page.answered, page.view, now,
                                    page.attempt.quiz_title, page.attempt.recheck_title)
    found = _attempt_at_or_404(attempt_id, asked)  # a question page reads its own version only
    now = utcnow()
    overdue = quiz_attempts.expire_if_overdue(found, now)
    if found.state != IN_PROGRESS:
        page = render_template("learn/attempt_result.html", attempt=found,
                               views=taking.question_views(quiz_attempts.with_versions(found)),
                               review=review_allowed(found, now))
    elif request.args.get("confirm"):
        page = render_template("learn/attempt_confirm.html", attempt=found,
                               views=taking.question_views(found))
    else:
        page = _question_page(found, asked, now)
    if overdue:
        db.session.commit()  # the overdue attempt was submitted; otherwise nothing to write
    return page


def _question_page(found, position: int | None, now, status: int = 200, typed=None):
    """The question page from the attempt's ORM graph (the full path: a refused answer's
    page, a position outside the attempt)."""
    views = taking.question_views(found)
    if position is None:
        position = found.current_rank
    view = views[min(max(position, 0), len(views) - 1)]
    recheck = found.recheck_version.title if found.recheck_version_id else None
    return _render_question(found, [v.answered for v in views], view, now,
                            found.quiz.title if found.quiz else None, recheck, status, typed)


def _render_question(attempt, answered: list[bool], view, now, quiz_title, recheck_title,
                     status: int = 200, typed=None):
    """learn/attempt.html for `attempt` (an ORM attempt or `question_page.PageAttempt`)."""
    labels = attempt_labels()
    buttons = question_map(answered, view.row.rank, gettext("Question %(n)d"),
                           labels["answered"])
    return render_template("learn/attempt.html", attempt=attempt, view=view, labels=labels,
                           total=len(answered), answered=sum(answered), question_map=buttons,
                           quiz_title=quiz_title, recheck_title=recheck_title,
                           remaining=taking.remaining_seconds(attempt, now), typed=typed,
                           TYPED_KINDS=TYPED_KINDS), status


@bp.post("/attempts/<int:attempt_id>/answer")
@require(Permission.LEARN)
def answer(attempt_id: int):
    """Save one answer (quiz.js: JSON; a plain form: go on to the question asked for)."""
    position, now = request.form.get("position", type=db_int), utcnow()
    quick = _quick_answer(attempt_id, position, now)
    if quick is not None:
        return quick
    found = _attempt_at_or_404(attempt_id, position)  # with the version answered only
    try:
        kind = quiz_attempts.question_at(found, position).version.data["type"]
        row = taking.answer(found, position, raw_response(kind, request.form), now)
    except DomainError as error:
        return _refused(found, position, error)
    checked_now = found.mode != "exam" and row.answered_at == now  # show its grade first
    reply = _answer_json(found, row) if wants_json() else None  # before the commit expires it
    total = len(found.questions)
    db.session.commit()
    if reply is not None:
        return jsonify(reply)
    target = position if checked_now else next_position(request.form.get("go"), position, total)
    if target is None:
        return redirect(url_for(".attempt", attempt_id=attempt_id, confirm=1))
    return redirect(url_for(".attempt", attempt_id=attempt_id, q=target))


def _quick_answer(attempt_id: int, position: int | None, now):
    """An exam's answer in three statements (`quick_save`); None: nothing was written and
    the full path below decides (practice, handed in, overdue, refused answers)."""
    found = quick_save.target(attempt_id, current_user.id, position, now)
    try:
        saved = found and quick_save.save(
            found, raw_response(found.question.type, request.form), now)
    except DomainError:  # a malformed ordering form: the full path says why
        saved = None
    if saved is None:
        if found is not None:
            db.session.rollback()
        return None
    db.session.commit()
    if wants_json():
        return jsonify(saved=True, position=position, answered_here=saved.here,
                       answered=saved.answered, total=saved.total, locked=False)
    target = next_position(request.form.get("go"), position, saved.total)
    if target is None:
        return redirect(url_for(".attempt", attempt_id=attempt_id, confirm=1))
    return redirect(url_for(".attempt", attempt_id=attempt_id, q=target))


def _refused(found, position, error: DomainError):
    """Time is up or the attempt was submitted (409 已交卷, nothing saved): to the result,
    which repeats why. Bad input: 400, nothing saved."""
    message = str(error)
    if found.state != IN_PROGRESS:
        target = url_for(".attempt", attempt_id=found.id)
        db.session.commit()  # an overdue attempt's submission
        flash(message, "error")
        if wants_json():
            return jsonify(saved=False, submitted=True, error=message, redirect=target), 409
        return redirect(target)
    db.session.rollback()
    if wants_json():
        return jsonify(saved=False, error=message), 400
    flash(message, "error")
    return _question_page(found, position, utcnow(), status=400,  # what was typed stays
                          typed=request.form.get("response"))


def _answer_json(found, row) -> dict:
    view = taking.QuestionView(row, found.mode)
    data = {"saved": True, "position": row.rank, "answered_here": view.answered,
            "answered": quiz_attempts.answered_count(found), "total": len(found.questions),
            "locked": view.locked}
    if view.locked:
        data.update(outcome=view.outcome, correct=view.outcome == "right",
                    fraction=row.fraction, feedback=list(row.feedback),
                    explanation=view.data.get("explanation", ""),
                    html=render_template("quiz/_grade.html", view=view))
    return data


@bp.post("/attempts/<int:attempt_id>/submit")
@require(Permission.LEARN)
def submit(attempt_id: int):
    """交卷: asks first while questions are unanswered; submitting again changes nothing.
    The attempt is read with its answers and their versions in one statement, graded, then
    handed in with a few writes (services/quiz/hand_in.py); a double submit reads that it
    was handed in and writes nothing."""
    try:
        found, questions = quiz_attempts.load_for_submit(
            attempt_id, current_user, confirmed=bool(request.form.get("confirm")))
    except NotFound:
        abort(404)
    if found.state != IN_PROGRESS:  # handed in already (states never go back)
        return redirect(url_for(".attempt", attempt_id=attempt_id))
    if not request.form.get("confirm") and (
            quiz_attempts.answered_count(found) < len(found.questions)):
        return render_template("learn/attempt_confirm.html", attempt=found,
                               views=taking.question_views(found))
    now = utcnow()
    quiz_attempts.submit(found, now, auto=quiz_attempts.is_overdue(found, now),
                         rows=found.questions, questions=questions)
    db.session().expire_on_commit = False  # this request's session: a redirect reads nothing
    db.session.commit()  # again, so its 20-odd objects need not be expired one by one
    return redirect(url_for(".attempt", attempt_id=attempt_id))
