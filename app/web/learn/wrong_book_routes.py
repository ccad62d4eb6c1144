"""Views of the learn blueprint: the wrong-question book (错题本) and its practice rounds."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import DomainError
from app.services.quiz.wrong_book import book_page, start_round
from app.web.learn import bp


@bp.get("/wrong-book")
@require(Permission.LEARN)
def wrong_book():
    return render_template("learn/wrong_book.html", entries=book_page(current_user))


@bp.post("/wrong-book/practice")
@require(Permission.LEARN)
def practise_wrong_book():
    """练习错题: the unfinished round, or a new one over the book; then its first question."""
    try:
        attempt = start_round(current_user, utcnow())
    except DomainError as error:
        db.session.commit()  # a finished round may have been submitted on the way
        flash(str(error), "error")
        return redirect(url_for(".wrong_book"))
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt.id))
