"""Local stand-ins for WeCom (企业微信) and DingTalk (钉钉): one HTTP server on 127.0.0.1 each,
serving their sign-in pages, token, sign-in, directory and message endpoints as documented,
with their error codes and token expiry. Point every *_BASE setting at `fake.base`.

`with FakeWeCom() as wecom:` — `wecom.members` (userid → record), `wecom.departments`,
`wecom.phone_user`: whose code the OAuth / QR pages hand out (None: someone outside the
organisation); `wecom.token_calls`: gettoken calls; `wecom.expire_tokens()`: every token
issued so far answers 42001 from now on; `wecom.sent`: the message bodies received;
`wecom.invalid`: userids to name in `invaliduser`; `wecom.down`: answer HTTP 502.
FakeDingTalk has the same attributes (its sign-in needs `dingtalk.phone_user` too).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

CORP_ID, AGENT_ID = "ww-test-corp", "1000002"
SECRET, CONTACT_SECRET = "app-secret", "contact-secret"
APP_KEY, APP_SECRET, DING_AGENT = "ding-test-key", "ding-test-secret", "2000003"
WECOM_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 "
            "Language/zh ColorScheme/Light")


class _Fake:
    lifetime = 7200  # seconds a token is valid

    def __init__(self):
        self.members: dict[str, dict] = {}
        self.departments: list[dict] = []
        self.phone_user: str | None = None
        self.token_calls = 0
        self.calls: list[str] = []
        self.sent: list[dict] = []
        self.invalid: set[str] = set()
        self.down = False
        self.codes: dict[str, str | None] = {}  # code → userid; removed when used
        self.tokens: dict[str, tuple[str, float]] = {}  # token → (purpose, expiry)
        self.current: dict[str, str] = {}  # purpose → its current token
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server naming)
                fake._handle(self, None)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                fake._handle(self, json.loads(self.rfile.read(length) or b"{}"))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def code_for(self, userid: str | None) -> str:
        code = secrets.token_hex(8)
        self.codes[code] = userid
        return code

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = {t: (p, 0.0) for t, (p, _e) in self.tokens.items()}
            self.current = {}

    def issue(self, purpose: str) -> tuple[str, int]:
        """The purpose's token (the same one again while it is valid, as both providers do)."""
        with self.lock:
            self.token_calls += 1
            token = self.current.get(purpose)
            if token and self.tokens[token][1] > time.time():
                return token, int(self.tokens[token][1] - time.time())
            token = secrets.token_hex(16)
            self.tokens[token] = (purpose, time.time() + self.lifetime)
            self.current[purpose] = token
            return token, self.lifetime

    def token_error(self, token: str | None) -> int:
        if not token:
            return 41001
        if token not in self.tokens:
            return 40014
        return 42001 if self.tokens[token][1] <= time.time() else 0

    def _handle(self, handler, body):
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.calls.append(parts.path)
        if self.down:
            return _answer(handler, 502, {"message": "bad gateway"})
        status, answer = self.route(parts.path, query, body, handler)
        if status == 302:
            handler.send_response(302)
            handler.send_header("Location", answer)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        return _answer(handler, status, answer)

    def sign_in_page(self, query: dict, code_name: str) -> tuple[int, str]:
        """The provider's own page: the person (phone_user) agrees; back with a code."""
        code = self.code_for(self.phone_user)
        return 302, query["redirect_uri"] + "?" + urlencode({code_name: code,
                                                              "state": query.get("state", "")})


def _answer(handler, status: int, answer: dict) -> None:
    payload = json.dumps(answer, ensure_ascii=False).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def _error(errcode: int, errmsg: str = "error") -> tuple[int, dict]:
    return 200, {"errcode": errcode, "errmsg": errmsg}


class FakeWeCom(_Fake):
    def settings(self, **more) -> dict:
        return {"WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": AGENT_ID, "WECOM_SECRET": SECRET,
                "WECOM_API_BASE": self.base, "WECOM_OAUTH_BASE": self.base,
                "WECOM_SSO_BASE": self.base, **more}

    def route(self, path, query, body, handler):
        if path in ("/connect/oauth2/authorize", "/wwlogin/sso/login"):
            return self.sign_in_page(query, "code")
        if path == "/cgi-bin/gettoken":
            if query.get("corpid") != CORP_ID:
                return _error(40013, "invalid corpid")
            purposes = {SECRET: "app", CONTACT_SECRET: "contact"}
            if query.get("corpsecret") not in purposes:
                return _error(40001, "invalid credential")
            token, expires_in = self.issue(purposes[query["corpsecret"]])
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": token,
                         "expires_in": expires_in}
        if errcode := self.token_error(query.get("access_token")):
            return _error(errcode, "access_token invalid or expired")
        purpose = self.tokens[query["access_token"]][0]
        return self.api(path, query, body, purpose)

    def api(self, path, query, body, purpose):
        if path == "/cgi-bin/auth/getuserinfo":
            if query.get("code") not in self.codes:
                return _error(40029, "invalid code")
            userid = self.codes.pop(query["code"])
            if userid is None:
                return 200, {"errcode": 0, "errmsg": "ok", "openid": "o-outsider"}
            return 200, {"errcode": 0, "errmsg": "ok", "userid": userid,
                         "user_ticket": "ticket"}
        if path == "/cgi-bin/message/send":
            if purpose != "app" or str(body.get("agentid")) != AGENT_ID:
                return _error(40056, "invalid agentid")
            touser = body["touser"].split("|")
            if len(touser) > 1000:
                return _error(40058, "touser exceeds 1000")
            self.sent.append(body)
            refused = [u for u in touser if u in self.invalid or u not in self.members]
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(refused)}
        if path == "/cgi-bin/department/list":
            return 200, {"errcode": 0, "errmsg": "ok", "department": self.departments}
        if path == "/cgi-bin/user/list_id":
            rows = [{"userid": u, "department": m.get("department", [1])[0]}
                    for u, m in self.members.items()]
            return 200, {"errcode": 0, "errmsg": "ok", "next_cursor": "", "dept_user": rows}
        if path == "/cgi-bin/user/get":
            if query.get("userid") not in self.members:
                return _error(60111, "userid not found")
            return 200, {"errcode": 0, "errmsg": "ok", **self.members[query["userid"]]}
        return 404, {"errcode": 404, "errmsg": "no such endpoint"}


class FakeDingTalk(_Fake):
    def settings(self, **more) -> dict:
        return {"DINGTALK_APP_KEY": APP_KEY, "DINGTALK_APP_SECRET": APP_SECRET,
                "DINGTALK_AGENT_ID": DING_AGENT, "DINGTALK_API_BASE": self.base,
                "DINGTALK_OAUTH_BASE": self.base, "DINGTALK_NEW_API_BASE": self.base, **more}

    def route(self, path, query, body, handler):
        if path == "/oauth2/auth":
            return self.sign_in_page(query, "authCode")
        if path == "/gettoken":
            if (query.get("appkey"), query.get("appsecret")) != (APP_KEY, APP_SECRET):
                return _error(40089, "invalid appkey or appsecret")
            token, expires_in = self.issue("app")
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": token,
                         "expires_in": expires_in}
        if path == "/v1.0/oauth2/userAccessToken":
            if (body.get("clientId"), body.get("clientSecret")) != (APP_KEY, APP_SECRET):
                return 400, {"code": "invalidClient", "message": "bad client"}
            if body.get("code") not in self.codes:
                return 400, {"code": "invalidAuthCode", "message": "auth code invalid"}
            userid = self.codes.pop(body["code"])
            token = "user-" + secrets.token_hex(8)
            self.tokens[token] = ("user:" + (userid or ""), time.time() + 7200)
            return 200, {"accessToken": token, "refreshToken": "r", "expireIn": 7200}
        if path == "/v1.0/contact/users/me":
            token = handler.headers.get("x-acs-dingtalk-access-token")
            if token not in self.tokens:
                return 401, {"code": "InvalidAuthentication", "message": "bad token"}
            userid = self.tokens[token][0].removeprefix("user:")
            return 200, {"nick": "someone", "unionId": f"union-{userid or 'outsider'}"}
        if errcode := self.token_error(query.get("access_token")):
            return _error(errcode, "access_token invalid or expired")
        return self.api(path, body or {})

    def api(self, path, body):
        if path == "/topapi/user/getbyunionid":
            userid = body.get("unionid", "").removeprefix("union-")
            if userid not in self.members:
                return _error(60121, "user not found")
            return 200, {"errcode": 0, "errmsg": "ok",
                         "result": {"userid": userid, "contact_type": 0}}
        if path == "/topapi/message/corpconversation/asyncsend_v2":
            if str(body.get("agent_id")) != DING_AGENT:
                return _error(40056, "invalid agent_id")
            if len(body["userid_list"].split(",")) > 100:
                return _error(40035, "userid_list exceeds 100")
            self.sent.append(body)
            return 200, {"errcode": 0, "errmsg": "ok", "task_id": len(self.sent),
                         "request_id": "r"}
        if path == "/topapi/v2/department/listsub":
            rows = [d for d in self.departments if d.get("parent_id") == body.get("dept_id")]
            return 200, {"errcode": 0, "errmsg": "ok", "result": rows}
        if path == "/topapi/user/listid":
            ids = [u for u, m in self.members.items()
                   if body.get("dept_id") in m.get("dept_id_list", [1])]
            return 200, {"errcode": 0, "errmsg": "ok", "result": {"userid_list": ids}}
        if path == "/topapi/v2/user/get":
            if body.get("userid") not in self.members:
                return _error(60121, "user not found")
            return 200, {"errcode": 0, "errmsg": "ok", "result": self.members[body["userid"]]}
        return 404, {"errcode": 404, "errmsg": "no such endpoint"}
