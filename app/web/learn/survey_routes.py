"""Views of the learn blueprint: answering a survey (问卷)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.errors import DomainError
from app.services.surveys import answering
from app.services.surveys.questions import TYPES
from app.web.forms import GuardedForm
from app.web.learn import bp


@bp.route("/surveys/<survey_slug>", methods=["GET", "POST"])
@require(Permission.LEARN)
def survey(survey_slug: str):
    found = answering.find_survey(current_user, survey_slug) or abort(404)
    answered = answering.has_answered(current_user, found)
    errors: dict[int, str] = {}
    if request.method == "POST" and GuardedForm().validate_on_submit():
        try:
            answering.submit(current_user, found, request.form, utcnow())
            db.session.commit()
        except answering.InvalidAnswers as error:
            db.session.rollback()
            errors = error.errors
            flash(str(error), "error")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Thank you: your answers are saved."), "success")
            return redirect(url_for("learn.survey", survey_slug=found.slug))
    return render_template("learn/survey.html", survey=found, answered=answered,
                           errors=errors, form=request.form, types=TYPES)
