"""Which language and time zone a request is served in."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import current_app, g, has_request_context, session
from flask_babel import Domain, _get_current_context, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup


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


_LOCALES: dict = {}  # language code → babel.Locale, one per language the app offers


def babel_locale() -> Locale:
    """`select_locale` as the `babel.Locale` Flask-Babel keeps for the request, parsed once
    per worker and language (Flask-Babel parses the code it is given on every request)."""
    code = select_locale()
    found = _LOCALES.get(code)
    if found is None:
        found = _LOCALES.setdefault(code, Locale.parse(code))
    return found


class RequestDomain(Domain):
    """Flask-Babel's message domain, its translations looked up once per request and locale
    (as `request_translations`) for the texts translated in Python and the lazy ones — each
    was a walk through the context, the locale's name and the cache."""

    def get_translations(self):
        ctx = _get_current_context()
        if ctx is None:
            return super().get_translations()
        cached = getattr(ctx, "sop_translations", None)
        if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
            return cached[1]
        translations = super().get_translations()
        ctx.sop_translations = (getattr(ctx, "babel_locale", None), translations)
        return translations


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


def _newstyle(lookup):
    """Jinja's newstyle gettext family (jinja2.ext._make_new_*: the text escaped when the
    template autoescapes, always %-formatted with its variables), each text looked up through
    `lookup()`, the translations to use. One function call instead of three (`_` resolved
    `gettext`, which called our function through the context)."""

    def finish(eval_ctx, text, variables):
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_eval_context
    def gettext(eval_ctx, __string, **variables):
        return finish(eval_ctx, lookup().ugettext(__string), variables)

    @pass_eval_context
    def ngettext(eval_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        return finish(eval_ctx, lookup().ungettext(__singular, __plural, __num), variables)

    @pass_eval_context
    def pgettext(eval_ctx, __string_ctx, __string, **variables):
        variables.setdefault("context", __string_ctx)
        return finish(eval_ctx, lookup().upgettext(__string_ctx, __string), variables)

    @pass_eval_context
    def npgettext(eval_ctx, __string_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("context", __string_ctx)
        variables.setdefault("num", __num)
        return finish(eval_ctx, lookup().unpgettext(__string_ctx, __singular, __plural, __num),
                      variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext,
            "npgettext": npgettext}


@lru_cache(maxsize=16)
def _bound_to(translations) -> dict:
    """The gettext family of one translations object (Flask-Babel keeps one per locale)."""
    return _newstyle(lambda: translations)


def template_gettext() -> dict:
    """Context processor: a rendered template's `_()`/gettext/… bound to the translations of
    the moment it is rendered (`force_locale` included), looked up once instead of per text.
    Templates rendered without the processors, and macros imported without context, use the
    globals below (the same texts, the translations looked up per call)."""
    return _bound_to(request_translations())


def install_template_gettext(app) -> None:
    """Jinja's _()/gettext/ngettext through `request_translations` (Flask-Babel installs
    the same calls, each looking the translations up anew; its i18n extension stays, for
    newstyle {% trans %} blocks)."""
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_newstyle(request_translations))
    app.context_processor(template_gettext)
