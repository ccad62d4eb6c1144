"""Work every signed-in request used to redo that gives the same answer for the same input:
the session cookie's signature and JSON, and the CSRF token's signature. Each is a few per
cent of a hot page (25–45 µs each: itsdangerous derives its key and runs HMAC on every
call), measured in docs/performance.md §5 "session 13".

- `CachedCookieSessions`: a session cookie is verified once per worker. The same cookie
  string always verifies to the same data and signing time (itsdangerous is deterministic
  for a key), so the verified result is kept, keyed by the secret keys and the string; the
  lifetime is still checked against the signing time on every request, and every request
  gets its own copy of the data. Only sessions whose values are all strings, numbers,
  booleans or None are kept (a flashed message's list could be changed in place).
- `cached_csrf_token`: with WTF_CSRF_TIME_LIMIT = None (config.py: a token never expires,
  so a form left open all day still submits) a signed token's timestamp is never read, and
  the token signed once for a session's raw token serves every later page of that session,
  and a POST that sends back that very token is known valid without verifying its signature
  again (`KeptTokenCsrf`). With a time limit set, Flask-WTF signs and checks as before."""

from __future__ import annotations

import hmac
import threading
import time
from collections import OrderedDict

from flask import current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect, generate_csrf
from itsdangerous import BadSignature

KEPT = 4096  # sessions and tokens kept per worker (each a few hundred bytes)
_SCALARS = (str, int, float, bool, type(None))


class Kept:
    """A small least-recently-used map, safe under threads (`flask run` serves each request in
    a thread of its own; gunicorn's sync workers one at a time)."""

    def __init__(self, size: int = KEPT) -> None:
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get_fresh(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def keep(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class CachedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, each cookie string verified once per worker."""

    def __init__(self) -> None:
        self._verified = Kept()

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), value)
        max_age = app.permanent_session_lifetime.total_seconds()
        kept = self._verified.get_fresh(key)
        if kept is None:
            signer = self.get_signing_serializer(app)
            try:
                data, signed_at = signer.loads(value, max_age=int(max_age), return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if not all(isinstance(item, _SCALARS) for item in data.values()):
                return self.session_class(data)
            kept = (data, signed_at.timestamp())
            self._verified.keep(key, kept)
        elif time.time() - kept[1] > max_age:  # as itsdangerous's max_age: expired
            return self.session_class()
        return self.session_class(dict(kept[0]))


_SIGNED = Kept()


def cached_csrf_token() -> str:
    """`csrf_token()` in templates: Flask-WTF's token, signed once per raw token and worker
    when tokens never expire."""
    token = g.get("csrf_token")
    if token is not None:
        return token
    config = current_app.config
    if not KeptTokenCsrf._kept_config(config):
        return generate_csrf()
    raw = session.get("csrf_token")
    token = _SIGNED.get_fresh((current_app.secret_key, raw)) if raw is not None else None
    if token is None:
        token = generate_csrf()  # a new session's raw token is made here
        _SIGNED.keep((current_app.secret_key, session["csrf_token"]), token)
    else:
        g.csrf_token = token  # where Flask-WTF keeps the request's token
    return token


class KeptTokenCsrf(CSRFProtect):
    """Flask-WTF's CSRF protection, where a POST that carries the very token this worker
    signed for the session's raw token (`cached_csrf_token`) is known valid without checking
    its signature again (the same itsdangerous work, 28 µs, on every autosave). Anything else
    — another token, a time limit, HTTPS's referrer check — goes through Flask-WTF as before."""

    def protect(self, apply_exemptions=False):
        if self._carries_kept_token():
            g.csrf_valid = True  # as Flask-WTF marks a request it checked
            return None
        return super().protect(apply_exemptions)

    @staticmethod
    def _kept_config(config) -> bool:
        return (config["WTF_CSRF_TIME_LIMIT"] is None and not config.get("WTF_CSRF_SECRET_KEY")
                and config["WTF_CSRF_FIELD_NAME"] == "csrf_token")

    def _carries_kept_token(self) -> bool:
        config = current_app.config
        if (request.method not in config["WTF_CSRF_METHODS"] or not self._kept_config(config)
                or (request.is_secure and config["WTF_CSRF_SSL_STRICT"])):
            return False
        raw = session.get("csrf_token")
        kept = _SIGNED.get_fresh((current_app.secret_key, raw)) if raw is not None else None
        sent = self._get_csrf_token()
        return bool(kept and sent) and hmac.compare_digest(kept, sent)


def install(app) -> None:
    """After the extensions: the sessions and the templates' `csrf_token()`."""
    app.session_interface = CachedCookieSessions()
    app.jinja_env.globals["csrf_token"] = cached_csrf_token
    app.context_processor(lambda: {"csrf_token": cached_csrf_token})
