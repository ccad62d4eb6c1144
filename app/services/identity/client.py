"""The HTTP side of an identity provider's API (standard library only, with timeouts): one
JSON call, and `ApiClient` — `get(path, **params)` / `post(path, json, **params)` with the
cached access token added, returning the answer as a dict or raising ProviderError (errcode,
errmsg, meaning). A call refused for its token (errcode 40014, 42001, 42009) gets a fresh
token and is tried once more."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode

from app.services.identity import tokens
from app.services.identity.errors import ProviderError, ProviderUnreachable

TIMEOUT = 10.0  # seconds for one call
MAX_ANSWER = 4 * 1024 * 1024  # bytes read of one answer
TOKEN_ERRCODES = frozenset({40014, 42001, 42009})  # the token is invalid or expired


def call_json(provider: str, method: str, url: str, params: Mapping | None = None,
              body: Mapping | None = None, *, headers: Mapping | None = None,
              timeout: float = TIMEOUT, check_errcode: bool = True) -> dict:
    """One call; the JSON answer (a dict). ProviderUnreachable for no answer, an HTTP error
    or something that is not a JSON object; ProviderError for a non-zero `errcode` (or, with
    check_errcode=False, an HTTP 4xx status with a JSON answer: errcode = the status)."""
    if params:
        url += ("&" if "?" in url else "?") + urlencode(
            {k: v for k, v in params.items() if v is not None})
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read(MAX_ANSWER)
    except HTTPError as exc:
        raw = exc.read(MAX_ANSWER)
        exc.close()
        answer = _parse(raw)
        if answer is None or check_errcode or exc.code >= 500:
            raise ProviderUnreachable(provider, f"HTTP {exc.code}") from None
        # api.dingtalk.com: a refusal is an HTTP 4xx status with {code, message}
        raise ProviderError(provider, exc.code, f"{answer.get('code', '')}: "
                                                f"{answer.get('message', '')}") from None
    except (URLError, OSError, ValueError) as exc:  # refused, timed out, bad address
        raise ProviderUnreachable(provider, type(exc).__name__ + f": {exc}") from None
    answer = _parse(raw)
    if answer is None:
        raise ProviderUnreachable(provider, "the answer is not a JSON object")
    if check_errcode:
        _check(provider, answer)
    return answer


def _parse(raw: bytes) -> dict | None:
    try:
        answer = json.loads(raw)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _check(provider: str, answer: dict) -> None:
    errcode = answer.get("errcode", 0)
    try:
        errcode = int(errcode)
    except (TypeError, ValueError):
        errcode = -1
    if errcode != 0:
        raise ProviderError(provider, errcode, str(answer.get("errmsg", "")))


class ApiClient:
    """Calls with an access token: the one cached under `token_key`, got by `fetch_token`
    (see tokens.py) and sent as the `access_token` query parameter."""

    def __init__(self, provider: str, base: str, token_key: str, fetch_token: tokens.Fetch,
                 timeout: float = TIMEOUT):
        self.provider, self.base = provider, base.rstrip("/")
        self.token_key, self.fetch_token, self.timeout = token_key, fetch_token, timeout

    def get(self, path: str, **params) -> dict:
        """GET {base}{path}?access_token=…&params; the answer (errcode 0) or ProviderError."""
        return self._call("GET", path, params, None)

    def post(self, path: str, json: Mapping, **params) -> dict:
        """POST the JSON body to {base}{path}?access_token=…&params."""
        return self._call("POST", path, params, json)

    def token(self) -> str:
        return tokens.access_token(self.token_key, self.fetch_token)

    def _call(self, method: str, path: str, params: dict, body: Mapping | None) -> dict:
        token = self.token()
        try:
            return self._once(method, path, params, body, token)
        except ProviderError as error:
            if error.errcode not in TOKEN_ERRCODES:
                raise
        tokens.invalidate(self.token_key, token)
        return self._once(method, path, params, body, self.token())

    def _once(self, method: str, path: str, params: dict, body: Mapping | None,
              token: str) -> dict:
        return call_json(self.provider, method, self.base + path,
                         {"access_token": token, **params}, body, timeout=self.timeout)
