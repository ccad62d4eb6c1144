"""The question page's fixed texts, translated once per worker and language instead of once
per page (twenty `_()` calls, each through Jinja's context, Flask-Babel and the request's
catalogue). The same markup as the template's `_()`: Jinja's new-style gettext marks the
translation safe and formats it with `%`, as here."""

from __future__ import annotations

from markupsafe import Markup

from app.web.i18n import request_translations


def N_(msgid: str, **variables) -> tuple[str, dict]:  # noqa: N802 (pybabel's marker name)
    """A msgid for pybabel to extract, translated later (`attempt_labels`)."""
    return msgid, variables


TEXTS = {
    "time_left": N_("Time left"),
    "answered_aria": N_("Answered"),
    "answered": N_("answered"),
    "not_answered": N_("not answered"),
    "confirm_some": N_("%(count)s questions are not answered yet. Hand in anyway?",
                       count="__N__"),
    "confirm_all": N_("Hand in your answers? They cannot be changed afterwards."),
    "saved": N_("Answer saved."),
    "saving": N_("Saving…"),
    "choose": N_("Choose or type an answer first."),
    "error": N_("This answer could not be saved."),
    "offline": N_("Not saved: check your connection and try again."),
    "navigation": N_("Question navigation"),
    "check": N_("Check my answer"),
    "previous": N_("Previous question"),
    "next": N_("Next question"),
    "hand_in": N_("Hand in"),
    "all_questions": N_("All questions"),
}
_BY_CATALOGUE: dict = {}


def attempt_labels() -> dict[str, Markup]:
    """TEXTS in the request's language (the catalogue object is the cache key)."""
    catalogue = request_translations()
    labels = _BY_CATALOGUE.get(catalogue)
    if labels is None:
        labels = {name: Markup(catalogue.ugettext(msgid)) % variables
                  for name, (msgid, variables) in TEXTS.items()}
        if len(_BY_CATALOGUE) > 8:
            _BY_CATALOGUE.clear()
        _BY_CATALOGUE[catalogue] = labels
    return labels
