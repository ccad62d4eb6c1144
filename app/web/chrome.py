"""The page's header and main tabs (`_chrome.html`, in base.html as `page_chrome()`), rendered
once per worker for what they show and kept: at every page's top they were ~15 % of a hot
page's CPU (about fifteen translated texts, ten addresses and the permission checks of the
tabs, docs/performance.md §5 "session 13").

The key is everything the fragment shows apart from three values filled in per request: the
language, whether someone is signed in and may see the tabs, the bell's count, which tabs
the person may see and which one is current, the two queue badges, and the address root.
The CSRF token, the page's own address (for the language switch) and the person's name are
written into the kept HTML as placeholders that cannot come from a template (NUL characters)
and are replaced in one pass, each escaped, so nothing filled in is read for placeholders
again."""

from __future__ import annotations

import re

from flask import request
from flask.globals import _cv_request
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from app.web.request_costs import Kept, cached_csrf_token

KEPT = 512
_PLACE = re.compile("\x00(csrf|next|name)\x00")
_HOLES = {"csrf_value": Markup("\x00csrf\x00"), "next_value": Markup("\x00next\x00"),
          "user_name": Markup("\x00name\x00")}
_RESULTS = ("results.index", "results.save_entries")
_TABS = ("learn", "author_content", "view_team", "manage_users")
_kept = Kept(KEPT)


def _facts(context) -> tuple[tuple, dict]:
    """(key, variables) of the fragment for this request."""
    user = current_user._get_current_object()
    signed_in = bool(user.is_authenticated)
    unread = context["unread_notifications"]() if signed_in else 0
    tabs = signed_in and not user.must_change_password
    shown = here = waiting = runs_waiting = results_here = None
    if tabs:
        can = context["can"]
        shown = tuple(can(name) for name in _TABS)
        here, results_here = request.blueprint, request.endpoint in _RESULTS
        if can("view_team") or can("author_content"):
            waiting = context["grading_waiting"]()
        if can("view_team"):
            runs_waiting = context["review_waiting"]()
    adapter = _cv_request.get().url_adapter
    root = (adapter.script_name, adapter.server_name, adapter.url_scheme) if adapter else None
    badges = tuple(context["badge_count"](count) if count else None  # as the tabs show them
                   for count in (waiting, runs_waiting))
    key = (context["current_locale"], signed_in, unread, tabs, shown, here, results_here,
           badges, root)
    return key, {"signed_in": signed_in, "unread": unread, "tabs": tabs, "here": here,
                 "results_here": results_here, "waiting": waiting,
                 "runs_waiting": runs_waiting}


@pass_context
def page_chrome(context) -> Markup:
    key, variables = _facts(context)
    html = _kept.get_fresh(key)
    if html is None:
        template = context.environment.get_template("_chrome.html")
        html = template.render({**context.get_all(), **variables, **_HOLES})
        _kept.keep(key, html)
    values = {"csrf": escape(cached_csrf_token()),
              "next": escape(request.full_path if request.method == "GET" else ""),
              "name": escape(current_user.name) if variables["signed_in"] else ""}
    return Markup(_PLACE.sub(lambda found: values[found.group(1)], html))

