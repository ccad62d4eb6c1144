"""Signing in through WeCom (企业微信) and DingTalk (钉钉) against local fakes of both
(tests/identity_servers.py): where the browser is sent, the callback's outcomes, the log."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.sign_ins import SignInEvent, UserSession
from tests.identity_servers import AGENT_ID, CORP_ID, WECOM_UA, FakeDingTalk, FakeWeCom
from tests.learning_factories import person

DESKTOP_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
              "Gecko) Chrome/126.0 Safari/537.36")


@pytest.fixture
def wecom(app, demo):
    with FakeWeCom() as fake:
        app.config.update(fake.settings())
        person("employee").wecom_userid = "wangxiaoyu"
        db.session.commit()
        fake.members["wangxiaoyu"] = {"userid": "wangxiaoyu", "name": "王小雨"}
        fake.phone_user = "wangxiaoyu"
        yield fake


@pytest.fixture
def dingtalk(app, demo):
    with FakeDingTalk() as fake:
        app.config.update(fake.settings())
        person("employee").dingtalk_userid = "ding-wang"
        db.session.commit()
        fake.members["ding-wang"] = {"userid": "ding-wang", "name": "王小雨"}
        fake.phone_user = "ding-wang"
        yield fake


def _provider_page(location: str) -> str:
    """Open the provider's own sign-in page (the fake agrees at once): our callback URL."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(location.split("#")[0])
    except urllib.error.HTTPError as answer:
        return answer.headers["Location"]
    raise AssertionError("the provider's page did not send the browser back")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _callback(client, provider="wecom", next_url=None, agent=WECOM_UA) -> str:
    """Start signing in; the callback path and query the provider sends the browser to."""
    start = client.get(f"/auth/{provider}/login", query_string={"next": next_url} if next_url
                       else {}, headers={"User-Agent": agent})
    assert start.status_code == 302
    back = urlsplit(_provider_page(start.location))
    return f"{back.path}?{back.query}"


def _events(method: str) -> list[tuple[str, str]]:
    return [(e.login, e.outcome) for e in db.session.scalars(
        select(SignInEvent).where(SignInEvent.method == method).order_by(SignInEvent.id))]


def test_in_the_wecom_browser_sign_in_goes_to_the_oauth_page(client, wecom):
    response = client.get("/auth/wecom/login?next=/learn/tasks", headers={"User-Agent": WECOM_UA})
    url = urlsplit(response.location)
    assert response.status_code == 302
    assert f"{url.scheme}://{url.netloc}{url.path}" == wecom.base + "/connect/oauth2/authorize"
    assert url.fragment == "wechat_redirect"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["appid"] == CORP_ID and query["agentid"] == AGENT_ID
    assert query["response_type"] == "code" and query["scope"] == "snsapi_base"
    assert query["redirect_uri"] == "http://localhost/auth/wecom/callback"
    assert len(query["state"]) >= 20


def test_elsewhere_sign_in_goes_to_the_qr_page_under_base_url(app, client, wecom):
    app.config["BASE_URL"] = "https://academy.example.cn/"
    response = client.get("/auth/wecom/login", headers={"User-Agent": DESKTOP_UA})
    url = urlsplit(response.location)
    assert f"{url.scheme}://{url.netloc}{url.path}" == wecom.base + "/wwlogin/sso/login"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["login_type"] == "CorpApp" and query["appid"] == CORP_ID
    assert query["agentid"] == AGENT_ID and query["state"]
    assert query["redirect_uri"] == "https://academy.example.cn/auth/wecom/callback"


def test_the_sign_in_page_offers_wecom_and_goes_there_by_itself_inside_wecom(client, wecom):
    page = client.get("/auth/login?next=/learn/tasks", headers={"User-Agent": DESKTOP_UA})
    assert "企业微信一键登录" in page.text and "钉钉" not in page.text
    inside = client.get("/auth/login?next=/learn/tasks", headers={"User-Agent": WECOM_UA})
    assert inside.status_code == 302
    assert inside.location == "/auth/wecom/login?next=/learn/tasks"
    password = client.get("/auth/login?password=1", headers={"User-Agent": WECOM_UA})
    assert password.status_code == 200 and 'name="password"' in password.text


def test_without_settings_there_is_no_wecom_sign_in(client, demo):
    assert client.get("/auth/wecom/login").status_code == 404
    assert client.get("/auth/wecom/callback?code=x&state=y").status_code == 404
    page = client.get("/auth/login", headers={"User-Agent": WECOM_UA})
    assert page.status_code == 200 and "企业微信一键登录" not in page.text


def test_the_callback_signs_the_person_in_remembered_and_logged(client, wecom):
    response = client.get(_callback(client, next_url="/learn/tasks"),
                          headers={"User-Agent": WECOM_UA})
    assert response.status_code == 302 and response.location == "/learn/tasks"
    tasks = client.get("/learn/tasks")
    assert tasks.status_code == 200 and "我的任务" in tasks.text
    device = db.session.scalar(select(UserSession).where(
        UserSession.user_id == person("employee").id))
    assert device.remember and "wxwork" in device.user_agent
    assert _events("wecom") == [("wangxiaoyu", "success")]
    assert person("employee").last_login_at is not None


def test_a_reused_code_gets_a_clear_message(client, wecom):
    first = _callback(client)
    assert client.get(first).status_code == 302
    client.post("/auth/logout")
    fresh = urlsplit(_callback(client))
    state = parse_qs(fresh.query)["state"][0]
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    response = client.get("/auth/wecom/callback", query_string={"code": old_code,
                                                                "state": state})
    assert response.status_code == 400 and "已失效或已被使用" in response.text
    assert client.get("/learn/tasks").status_code == 302  # not signed in


def test_a_wrong_or_missing_state_is_refused(client, wecom):
    back = urlsplit(_callback(client))
    code = parse_qs(back.query)["code"][0]
    wrong = client.get("/auth/wecom/callback", query_string={"code": code, "state": "forged"})
    assert wrong.status_code == 400 and "已失效或已被使用" in wrong.text
    again = client.get(f"{back.path}?{back.query}")  # the state was used by the wrong try
    assert again.status_code == 400
    stranger = client.application.test_client()  # another browser: no state
    assert stranger.get(f"{back.path}?{back.query}").status_code == 400
    assert _events("wecom") == []


@pytest.mark.parametrize("who", ["nobody-here", None])
def test_an_unknown_userid_or_outsider_is_sent_to_the_administrator(client, wecom, who):
    wecom.phone_user = who
    users = db.session.scalar(select(func.count()).select_from(User))
    response = client.get(_callback(client))
    assert response.status_code == 403
    assert "请联系管理员" in response.text and "nobody-here" not in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert _events("wecom") == [(who or "", "unknown_account")]
    assert client.get("/learn/tasks").status_code == 302


def test_a_deactivated_person_gets_the_same_page(client, wecom):
    person("employee").active = False
    db.session.commit()
    response = client.get(_callback(client))
    assert response.status_code == 403 and "请联系管理员" in response.text
    assert _events("wecom") == [("wangxiaoyu", "deactivated")]


def test_wecom_unreachable_is_a_chinese_message(client, wecom):
    back = _callback(client)
    wecom.down = True
    response = client.get(back)
    assert response.status_code == 503 and "企业微信暂时无法连接" in response.text


def test_dingtalk_sign_in_from_its_page_to_the_next_page(client, dingtalk):
    page = client.get("/auth/login", headers={"User-Agent": DESKTOP_UA})
    assert "钉钉登录" in page.text
    start = client.get("/auth/dingtalk/login?next=/learn/tasks")
    url = urlsplit(start.location)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/oauth2/auth" and query["client_id"] == "ding-test-key"
    assert query["response_type"] == "code" and query["scope"] == "openid"
    back = urlsplit(_provider_page(start.location))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and response.location == "/learn/tasks"
    assert _events("dingtalk") == [("ding-wang", "success")]


def test_dingtalk_reused_code_and_unknown_person(client, dingtalk):
    first = _callback(client, "dingtalk")
    assert client.get(first).status_code == 302
    client.post("/auth/logout")
    state = parse_qs(urlsplit(_callback(client, "dingtalk")).query)["state"][0]
    old = parse_qs(urlsplit(first).query)["authCode"][0]
    reused = client.get("/auth/dingtalk/callback", query_string={"authCode": old,
                                                                 "state": state})
    assert reused.status_code == 400 and "已失效或已被使用" in reused.text
    dingtalk.phone_user = "stranger"
    unknown = client.get(_callback(client, "dingtalk"))
    assert unknown.status_code == 403 and "请联系管理员" in unknown.text


def test_the_sign_in_log_shows_the_method(app, client, wecom):
    client.get(_callback(client))
    admin = app.test_client()
    admin.post("/auth/login", data={"login": "admin", "password": "demo1234"})
    page = admin.get("/admin/sign-ins?account=wangxiaoyu")
    assert page.status_code == 200 and "wangxiaoyu" in page.text
    assert '<span class="small muted" data-testid="sign-in-method">企业微信</span>' in page.text
    export = admin.get("/admin/sign-ins/export?format=csv&account=wangxiaoyu")
    assert "（企业微信）" in export.data.decode("utf-8-sig")


def test_the_callback_is_rate_limited_like_the_sign_in_form(app, client, wecom):
    app.config["LOGIN_FAILURE_LIMIT"] = "3 per 5 minutes"
    for _n in range(3):
        assert client.get("/auth/wecom/callback?code=x&state=forged").status_code == 400
    assert client.get("/auth/wecom/callback?code=x&state=forged").status_code == 429


def test_no_forced_password_change_after_a_wecom_sign_in(client, wecom):
    """An imported person still on their first password signs in through WeCom straight onto
    their tasks; the same person signing in with the password must still change it."""
    person("employee").must_change_password = True
    db.session.commit()
    assert client.get(_callback(client, next_url="/learn/tasks")).status_code == 302
    assert client.get("/learn/tasks").status_code == 200
    other = client.application.test_client()
    other.post("/auth/login", data={"login": "employee", "password": "demo1234"})
    assert other.get("/learn/tasks").location == "/auth/password"
