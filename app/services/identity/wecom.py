"""WeCom (企业微信) through a self-built app (自建应用): web sign-in (OAuth in the WeCom
browser, the QR code elsewhere), the directory (通讯录) and app messages. docs/wecom.md.

Settings: WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET (the app's), WECOM_CONTACT_SECRET
(通讯录同步, optional: the directory uses the app's secret without it), WECOM_API_BASE,
WECOM_OAUTH_BASE, WECOM_SSO_BASE. Off unless corp id, agent id and secret are set.

API used (https://developer.work.weixin.qq.com/document/path/90664 and after):
- GET  /cgi-bin/gettoken?corpid&corpsecret → access_token, expires_in (7,200 s)
- GET  /cgi-bin/auth/getuserinfo?code → userid (a member) or openid (not one)
- GET  /cgi-bin/department/list, POST /cgi-bin/user/list_id, GET /cgi-bin/user/get?userid
- POST /cgi-bin/message/send {touser "a|b", msgtype textcard, agentid} → invaliduser
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from app.services.identity.base import Card, client_for
from app.services.identity.client import ApiClient, call_json

API_BASE = "https://qyapi.weixin.qq.com"
OAUTH_BASE = "https://open.weixin.qq.com"
SSO_BASE = "https://login.work.weixin.qq.com"
MAX_RECIPIENTS = 1000  # touser: at most 1000 userids per message
TITLE_BYTES, DESCRIPTION_BYTES = 128, 512  # textcard limits


def setting(settings: Mapping, name: str, default: str = "") -> str:
    return str(settings.get(name) or default).strip()


def app_client(settings: Mapping) -> ApiClient:
    """Calls as the self-built app (sign-in, messages)."""
    return _client(settings, setting(settings, "WECOM_SECRET"), "app")


def contact_client(settings: Mapping) -> ApiClient:
    """Calls for the directory: with WECOM_CONTACT_SECRET's own token when it is set."""
    secret = setting(settings, "WECOM_CONTACT_SECRET")
    return (_client(settings, secret, "contact") if secret else app_client(settings))


def _client(settings: Mapping, secret: str, purpose: str) -> ApiClient:
    base = setting(settings, "WECOM_API_BASE", API_BASE).rstrip("/")
    corp_id = setting(settings, "WECOM_CORP_ID")

    def fetch() -> tuple[str, int]:
        answer = call_json("wecom", "GET", base + "/cgi-bin/gettoken",
                           {"corpid": corp_id, "corpsecret": secret})
        return str(answer["access_token"]), int(answer.get("expires_in", 7200))

    return client_for("wecom", base, purpose, corp_id, secret, fetch)


class WeComDirectory:
    """The directory through /cgi-bin (raw records; the sync maps them)."""

    def __init__(self, client: ApiClient):
        self.client = client

    def departments(self) -> list[dict]:
        """id, name, parentid, order, department_leader (userids)."""
        return list(self.client.get("/cgi-bin/department/list").get("department") or [])

    def member_ids(self) -> list[str]:
        """Every userid (user/list_id, followed through next_cursor)."""
        ids, cursor = [], ""
        while True:
            answer = self.client.post("/cgi-bin/user/list_id",
                                      {"cursor": cursor, "limit": 10000})
            ids += [row["userid"] for row in answer.get("dept_user") or []
                    if row.get("userid") and row["userid"] not in ids]
            cursor = answer.get("next_cursor") or ""
            if not cursor:
                return ids

    def member(self, userid: str) -> dict:
        """userid, name, department, main_department, position, is_leader_in_dept, status
        (1 active, 2 disabled, 4 not activated, 5 left) — what the 2022 rules still give."""
        return self.client.get("/cgi-bin/user/get", userid=userid)


class WeCom:
    name = "wecom"
    label = _l("WeCom")
    user_column = "wecom_userid"
    max_recipients = MAX_RECIPIENTS

    def configured(self, settings: Mapping) -> bool:
        return all(setting(settings, n) for n in ("WECOM_CORP_ID", "WECOM_AGENT_ID",
                                                   "WECOM_SECRET"))

    def in_app(self, user_agent: str) -> bool:
        return "wxwork" in (user_agent or "").lower()

    def login_url(self, settings: Mapping, redirect_uri: str, state: str,
                  user_agent: str) -> str:
        corp_id, agent_id = setting(settings, "WECOM_CORP_ID"), setting(settings,
                                                                          "WECOM_AGENT_ID")
        if self.in_app(user_agent):
            base = setting(settings, "WECOM_OAUTH_BASE", OAUTH_BASE).rstrip("/")
            query = urlencode({"appid": corp_id, "redirect_uri": redirect_uri,
                               "response_type": "code", "scope": "snsapi_base",
                               "state": state, "agentid": agent_id})
            return f"{base}/connect/oauth2/authorize?{query}#wechat_redirect"
        base = setting(settings, "WECOM_SSO_BASE", SSO_BASE).rstrip("/")
        query = urlencode({"login_type": "CorpApp", "appid": corp_id, "agentid": agent_id,
                           "redirect_uri": redirect_uri, "state": state})
        return f"{base}/wwlogin/sso/login?{query}"

    def code_of(self, args: Mapping) -> str:
        return str(args.get("code") or "")

    def userid_from_code(self, settings: Mapping, code: str) -> str | None:
        """The member's userid; None for someone outside the organisation (an openid)."""
        answer = app_client(settings).get("/cgi-bin/auth/getuserinfo", code=code)
        return str(answer.get("userid") or answer.get("UserId") or "") or None

    def directory(self, settings: Mapping) -> WeComDirectory:
        return WeComDirectory(contact_client(settings))

    def send_card(self, settings: Mapping, userids: list[str], card: Card) -> set[str]:
        """One textcard to at most MAX_RECIPIENTS members; the userids WeCom refused."""
        answer = app_client(settings).post("/cgi-bin/message/send", {
            "touser": "|".join(userids[:MAX_RECIPIENTS]), "msgtype": "textcard",
            "agentid": int(setting(settings, "WECOM_AGENT_ID")),
            "textcard": {"title": cut(card.title, TITLE_BYTES),
                         "description": cut(card.description, DESCRIPTION_BYTES),
                         "url": card.url, "btntxt": card.button[:4]}})
        return {u for u in str(answer.get("invaliduser") or "").split("|") if u}


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` bytes of UTF-8, cut between characters (… when cut)."""
    if len(text.encode()) <= limit:
        return text
    while len((text + "…").encode()) > limit:
        text = text[:-1]
    return text + "…"
