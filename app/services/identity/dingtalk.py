"""DingTalk (钉钉) through an internal app (企业内部应用): web sign-in by auth code, the
directory (通讯录) and work notices (工作通知). docs/wecom.md, "DingTalk".

Settings: DINGTALK_APP_KEY, DINGTALK_APP_SECRET, DINGTALK_AGENT_ID, DINGTALK_API_BASE
(https://oapi.dingtalk.com), DINGTALK_OAUTH_BASE (https://login.dingtalk.com),
DINGTALK_NEW_API_BASE (https://api.dingtalk.com). Off unless key, secret and agent id are set.

API used (open.dingtalk.com):
- GET  oapi /gettoken?appkey&appsecret → access_token, expires_in (7,200 s)
- sign-in: login.dingtalk.com/oauth2/auth (in DingTalk and in any browser, QR code on a
  desktop) → our callback with authCode → POST api /v1.0/oauth2/userAccessToken → GET api
  /v1.0/contact/users/me (unionId) → POST oapi /topapi/user/getbyunionid → userid
- POST oapi /topapi/v2/department/listsub, /topapi/user/listid, /topapi/v2/user/get
- POST oapi /topapi/message/corpconversation/asyncsend_v2 (userid_list "a,b": at most 100)
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from app.services.identity.base import Card, client_for
from app.services.identity.client import ApiClient, call_json
from app.services.identity.errors import ProviderError

API_BASE = "https://oapi.dingtalk.com"
OAUTH_BASE = "https://login.dingtalk.com"
NEW_API_BASE = "https://api.dingtalk.com"
MAX_RECIPIENTS = 100  # userid_list of one work notice
ROOT_DEPARTMENT = 1


def setting(settings: Mapping, name: str, default: str = "") -> str:
    return str(settings.get(name) or default).strip()


def app_client(settings: Mapping) -> ApiClient:
    base = setting(settings, "DINGTALK_API_BASE", API_BASE).rstrip("/")
    key, secret = setting(settings, "DINGTALK_APP_KEY"), setting(settings, "DINGTALK_APP_SECRET")

    def fetch() -> tuple[str, int]:
        answer = call_json("dingtalk", "GET", base + "/gettoken",
                           {"appkey": key, "appsecret": secret})
        return str(answer["access_token"]), int(answer.get("expires_in", 7200))

    return client_for("dingtalk", base, "app", key, secret, fetch)


class DingTalkDirectory:
    def __init__(self, client: ApiClient):
        self.client = client

    def departments(self) -> list[dict]:
        """Every department below the root (dept_id, name, parent_id), walked level by level."""
        found, todo = [], [ROOT_DEPARTMENT]
        while todo:
            answer = self.client.post("/topapi/v2/department/listsub",
                                      {"dept_id": todo.pop(0)})
            for row in answer.get("result") or []:
                found.append(row)
                todo.append(row["dept_id"])
        return found

    def member_ids(self) -> list[str]:
        ids: list[str] = []
        for dept_id in [ROOT_DEPARTMENT] + [d["dept_id"] for d in self.departments()]:
            answer = self.client.post("/topapi/user/listid", {"dept_id": dept_id})
            ids += [u for u in (answer.get("result") or {}).get("userid_list") or []
                    if u not in ids]
        return ids

    def member(self, userid: str) -> dict:
        """userid, name, dept_id_list, title (职位), leader_in_dept, hired_date (ms), active."""
        return self.client.post("/topapi/v2/user/get", {"userid": userid}).get("result") or {}


class DingTalk:
    name = "dingtalk"
    label = _l("DingTalk")
    user_column = "dingtalk_userid"
    max_recipients = MAX_RECIPIENTS

    def configured(self, settings: Mapping) -> bool:
        return all(setting(settings, n) for n in ("DINGTALK_APP_KEY", "DINGTALK_APP_SECRET",
                                                   "DINGTALK_AGENT_ID"))

    def in_app(self, user_agent: str) -> bool:
        return "dingtalk" in (user_agent or "").lower()

    def login_url(self, settings: Mapping, redirect_uri: str, state: str,
                  user_agent: str) -> str:
        base = setting(settings, "DINGTALK_OAUTH_BASE", OAUTH_BASE).rstrip("/")
        query = urlencode({"redirect_uri": redirect_uri, "response_type": "code",
                           "client_id": setting(settings, "DINGTALK_APP_KEY"),
                           "scope": "openid", "state": state, "prompt": "consent"})
        return f"{base}/oauth2/auth?{query}"

    def code_of(self, args: Mapping) -> str:
        return str(args.get("authCode") or args.get("code") or "")

    def userid_from_code(self, settings: Mapping, code: str) -> str | None:
        """The member's userid; None for someone outside the organisation."""
        base = setting(settings, "DINGTALK_NEW_API_BASE", NEW_API_BASE).rstrip("/")
        grant = _new_api("POST", base + "/v1.0/oauth2/userAccessToken", body={
            "clientId": setting(settings, "DINGTALK_APP_KEY"),
            "clientSecret": setting(settings, "DINGTALK_APP_SECRET"),
            "code": code, "grantType": "authorization_code"})
        me = _new_api("GET", base + "/v1.0/contact/users/me",
                      headers={"x-acs-dingtalk-access-token": str(grant.get("accessToken"))})
        if not me.get("unionId"):
            return None
        try:
            answer = app_client(settings).post("/topapi/user/getbyunionid",
                                               {"unionid": me["unionId"]})
        except ProviderError as error:
            if error.errcode == 60121:  # not a member of the organisation
                return None
            raise
        result = answer.get("result") or {}
        if result.get("contact_type", 0) != 0:  # an external contact, not a member
            return None
        return str(result.get("userid") or "") or None

    def directory(self, settings: Mapping) -> DingTalkDirectory:
        return DingTalkDirectory(app_client(settings))

    def send_card(self, settings: Mapping, userids: list[str], card: Card) -> set[str]:
        """One work notice (action card) to at most MAX_RECIPIENTS members. DingTalk sends
        it asynchronously (task_id) and does not name refused userids: an empty set."""
        app_client(settings).post("/topapi/message/corpconversation/asyncsend_v2", {
            "agent_id": int(setting(settings, "DINGTALK_AGENT_ID")),
            "userid_list": ",".join(userids[:MAX_RECIPIENTS]),
            "msg": {"msgtype": "action_card", "action_card": {
                "title": card.title, "markdown": f"### {card.title}\n\n{card.description}",
                "single_title": card.button or card.title, "single_url": card.url}}})
        return set()


def _new_api(method: str, url: str, body: Mapping | None = None,
             headers: Mapping | None = None) -> dict:
    """api.dingtalk.com answers errors with an HTTP status and {code, message}."""
    return call_json("dingtalk", method, url, body=body, headers=headers, check_errcode=False)
