"""Which language and time zone a request is served in."""

from __future__ import annotations

from flask import current_app, g, has_request_context, session
from flask_babel import get_translations
from flask_login import current_user


def select_locale() -> str:
    """The session's choice, then the user's saved choice, then Simplified Chinese."""
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        chosen = session.get("lang")
        if chosen in languages:
            return chosen
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def request_translations():
    """Flask-Babel's translations of this request, looked up once per request and locale:
    `get_translations()` walks the domain, the locale and the cache key (several `g` lookups
    and `str(locale)`) on every call, and a page calls it for each of its ~20 texts.
    A changed locale (`force_locale`, `refresh`) is a new `babel_locale`: looked up again."""
    if not g:
        return get_translations()
    ctx = g.get("_flask_babel")
    cached = getattr(ctx, "sop_translations", None)
    if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
        return cached[1]
    translations = get_translations()
    ctx = g.get("_flask_babel")
    if ctx is not None:
        ctx.sop_translations = (getattr(ctx, "babel_locale", None), translations)
    return translations


def install_template_gettext(app) -> None:
    """Jinja's _()/gettext/ngettext through `request_translations` (Flask-Babel installs
    the same calls, each looking the translations up anew)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
