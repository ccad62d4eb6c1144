"""Jinja globals and filters shared by every template."""

from __future__ import annotations

from flask import Flask, current_app
from flask.globals import _cv_request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext, ngettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

from app.models.base import utcnow
from app.permissions import ROLE_LABELS, Permission, Role, granted_permissions, sorted_roles
from app.services.certificate_validity import validity_of
from app.services.items import KINDS
from app.services.items import label as item_label
from app.services.practice.evidence import number_text
from app.services.practice.timing import TIMING_FROM_LABELS, timing_rule
from app.web.badges import register_badges
from app.web.chrome import page_chrome
from app.web.i18n import select_locale
from app.web.links import safe_href
from app.web.stamps import STAMP, format_stamp


def treat_lazy_strings_as_text() -> None:
    """Flask-Babel's LazyString has `__html__`, which Jinja and MarkupSafe take for "already
    safe HTML": a message such as _l("“%(title)s” is locked", title=user_text) would reach
    the page unescaped, in {{ }} and through filters like join alike. Without it a lazy
    string is escaped like any other text. No message of ours carries markup."""
    if "__html__" in vars(LazyString):
        del LazyString.__html__


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, which also writes lazy translations (as the text they stand for)."""

    @staticmethod
    def default(o):
        if isinstance(o, LazyString):
            return str(o)
        return DefaultJSONProvider.default(o)


def _can():
    """`can(name)` of one rendering: whether the signed-in user holds that permission. Their
    permissions are read at the first call (not before: a template that never asks loads
    nothing) and kept for the rest of the page, which asks about ten times."""
    granted = None

    def can(name: str) -> bool:
        nonlocal granted
        if granted is None:
            granted = granted_permissions(current_user)
        return Permission(name) in granted

    return can


def cached_url_for(app: Flask):
    """Templates' `url_for`, remembering the address of an endpoint without arguments and of
    a static file (a page asks for about fifteen, most of them the same on every page): the
    address depends only on the endpoint, the file and the request's root, host and scheme,
    which are part of the key. Anything else (arguments, _external, relative endpoints,
    outside a request, URL defaults) is built by Flask each time."""
    build, cache = app.url_for, {}

    def url_for(endpoint: str, **values):
        request_context = _cv_request.get(None)
        if (request_context is None or endpoint[:1] == "." or (values and (
                len(values) > 1 or "filename" not in values)) or any(
                app.url_default_functions.values())):
            return build(endpoint, **values)
        adapter = request_context.url_adapter
        if adapter is None:  # the request's host was refused: Flask says why
            return build(endpoint, **values)
        key = (endpoint, values.get("filename"), adapter.script_name, adapter.server_name,
               adapter.subdomain, adapter.url_scheme)
        url = cache.get(key)
        if url is None:
            url = build(endpoint, **values)
            if len(cache) < 4096:
                cache[key] = url
        return url

    return url_for


_OPTIONS: dict[tuple, str] = {}  # (id, label) choices → their <option>s, per worker


def id_options(choices, selected=None) -> Markup:
    """The <option>s of an id picker (departments: hundreds at a clinic group), `selected`
    marked: rendered once per worker for the same choices instead of a template loop on
    every page (350 departments: ~1 ms)."""
    key = tuple(choices)
    html = _OPTIONS.get(key)
    if html is None:
        html = "".join(f'<option value="{int(value)}">{escape(label)}</option>'
                       for value, label in key)
        if len(_OPTIONS) >= 64:
            _OPTIONS.clear()
        _OPTIONS[key] = html
    if isinstance(selected, int) and not isinstance(selected, bool):
        html = html.replace(f'<option value="{selected}">',
                            f'<option value="{selected}" selected>', 1)
    return Markup(html)


def register_template_helpers(app: Flask) -> None:
    treat_lazy_strings_as_text()
    app.json = JSONProvider(app)
    # the item-kind registry: templates ask the kind (label, learner URL, progress partial)
    app.jinja_env.globals.update(item_kinds=KINDS, item_label=item_label, id_options=id_options)
    # a certificate's validity (有效 / 即将到期 / 已过期) as of this request
    app.jinja_env.globals.update(
        certificate_validity=lambda expires_at: validity_of(expires_at, utcnow()))
    # the versioned kinds' trainer pages: endpoints, arguments and source file of each kind
    from app.web.manage.version_routes import PAGES

    app.jinja_env.globals.update(content_pages=PAGES)
    # SOP steps: how a timing is read (按时/超时) and a number with its unit, on every page
    app.jinja_env.globals.update(timing_rule=timing_rule, timing_from_labels=TIMING_FROM_LABELS,
                                 number_text=number_text)
    register_badges(app)  # the header's counters, one statement
    app.jinja_env.globals["url_for"] = cached_url_for(app)
    app.jinja_env.globals["page_chrome"] = page_chrome  # the header and tabs, kept per worker

    @app.context_processor
    def globals_for_templates():
        return {
            "can": _can(),
            "role_label": lambda name: ROLE_LABELS.get(Role(name), name),
            "sorted_roles": sorted_roles,
            "languages": current_app.config["LANGUAGES"],
            "current_locale": select_locale(),
        }

    app.add_template_filter(safe_href, "safe_href")

    @app.template_filter("datetime")
    def datetime_filter(value, fmt: str = STAMP):
        return format_stamp(value, fmt) if value else "—"

    @app.template_filter("duration")
    def duration_filter(seconds: int) -> str:
        """An estimate for people: "under a minute", "about 3 minutes"."""
        if seconds < 60:
            return gettext("under a minute")
        minutes = -(-seconds // 60)  # rounded up: better done early than late
        return ngettext("about %(num)d minute", "about %(num)d minutes", minutes)
