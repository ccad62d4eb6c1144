"""The review form: CSRF, the reason and the decision button; scores ("score:<criterion>")
and step comments ("comment:<step key>") are named after the rubric and the run's steps, so
they are read from the posted form. The rules live in services.practice.review."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from app.services.practice.review import Decision
from app.web.forms import GuardedForm

SCORE, COMMENT = "score:", "comment:"


def _prefixed(prefix: str) -> dict[str, str]:
    return {name[len(prefix):]: value for name, value in request.form.items()
            if name.startswith(prefix)}


class ReviewForm(GuardedForm):
    reason = TextAreaField(_l("Reason (required when returning)"), render_kw={"rows": 3})

    def decision_data(self) -> Decision:
        return Decision(request.form.get("decision"), self.reason.data,
                        _prefixed(SCORE), _prefixed(COMMENT))
