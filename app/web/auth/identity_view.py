"""Signing in through an identity provider (app.services.identity): WeCom and DingTalk.

GET /auth/<provider>/login[?next=…] keeps a random state in this browser's session and sends
the browser to the provider (inside its app: its OAuth page; elsewhere: its QR page).
GET /auth/<provider>/callback?code=…&state=… checks the state (this session's, used once),
asks the provider whose code it is, and signs that person in as a new device, remembered
(REMEMBER_DAYS), logged with the provider as method. No account is ever created: an unknown
or deactivated userid gets a page saying to ask the administrator. Rate-limited per address
like the sign-in form.
"""

from __future__ import annotations

import hmac
import logging
import secrets

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db, limiter
from app.models.base import utcnow
from app.services.identity import registry
from app.services.identity.base import Provider
from app.services.identity.errors import ProviderError, ProviderUnreachable
from app.services.identity.signin import sign_in_outcome
from app.web.auth import bp
from app.web.auth.devices_view import sign_in_device
from app.web.auth.sign_in_view import client
from app.web.forms import safe_next

log = logging.getLogger(__name__)
STATE = "identity_sign_in"  # session key: {"provider", "state", "next"}
MAX_CODE = 512
CODE_USED = {"wecom": {40029}, "dingtalk": {40078, 400}}  # invalid, expired or used code


def _provider(name: str) -> Provider:
    provider = registry.get(name)
    if provider is None or not provider.configured(current_app.config):
        abort(404)
    return provider


def _failed(response) -> bool:
    return response.status_code != 302


def _limit():
    return current_app.config["LOGIN_FAILURE_LIMIT"]


@bp.get("/wecom/login")
def wecom_login():
    return start("wecom")


@bp.get("/wecom/callback")
@limiter.limit(_limit, deduct_when=_failed)
def wecom_callback():
    return finish("wecom")


@bp.get("/dingtalk/login")
def dingtalk_login():
    return start("dingtalk")


@bp.get("/dingtalk/callback")
@limiter.limit(_limit, deduct_when=_failed)
def dingtalk_callback():
    return finish("dingtalk")


def start(name: str):
    provider = _provider(name)
    next_url = safe_next(request.args.get("next"), url_for("home.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    state = secrets.token_urlsafe(24)
    session[STATE] = {"provider": name, "state": state, "next": next_url}
    return redirect(provider.login_url(current_app.config, _callback_url(name), state,
                                       request.user_agent.string or ""))


def _callback_url(name: str) -> str:
    """The absolute callback address: under BASE_URL when set (behind proxies), else this
    request's host."""
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    endpoint = f"auth.{name}_callback"
    return base + url_for(endpoint) if base else url_for(endpoint, _external=True)


def finish(name: str):
    provider = _provider(name)
    expected = session.pop(STATE, None)
    state = request.args.get("state", "")
    code = provider.code_of(request.args)
    if (not isinstance(expected, dict) or expected.get("provider") != name
            or not hmac.compare_digest(str(expected.get("state", "")).encode(),
                                       state.encode()) or not code or len(code) > MAX_CODE):
        return _problem(provider, 400, _("This sign-in has expired or was already used. "
                                         "Please sign in again."))
    try:
        userid = provider.userid_from_code(current_app.config, code)
    except ProviderUnreachable as error:
        log.warning("%s sign-in: %s", name, error)
        return _problem(provider, 503, _("%(provider)s could not be reached just now. Try "
                                         "again in a moment, or sign in with your password.",
                                         provider=provider.label))
    except ProviderError as error:
        log.warning("%s sign-in refused: %s", name, error.for_admins())
        if error.errcode in CODE_USED.get(name, ()):
            return _problem(provider, 400, _("This sign-in has expired or was already used. "
                                             "Please sign in again."))
        return _problem(provider, 502, _("%(provider)s refused the sign-in. Please ask your "
                                         "administrator to check the settings.",
                                         provider=provider.label))
    return _sign_in(provider, userid, expected.get("next") or url_for("home.index"))


def _sign_in(provider: Provider, userid: str | None, next_url: str):
    user, _outcome = sign_in_outcome(provider, userid, client(), utcnow())
    if user is None:
        db.session.commit()  # the refused attempt is logged
        return _problem(provider, 403, _("You cannot sign in with %(provider)s yet. Please "
                                         "ask your administrator to link your %(provider)s "
                                         "account.", provider=provider.label))
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    sign_in_device(user, remember=True, method=provider.name)
    db.session.commit()
    return redirect(safe_next(next_url, url_for("home.index")))


def _problem(provider: Provider, status: int, message: str):
    return render_template("auth/identity_problem.html", message=message,
                           provider=provider), status
