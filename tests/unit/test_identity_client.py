"""The providers' API client and its access token, cached once for every worker in the
database: against the fake WeCom and DingTalk servers (tests/identity_servers.py)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale

from app import create_app
from app.extensions import db
from app.models.base import utcnow
from app.services.identity import tokens, wecom
from app.services.identity.dingtalk import app_client as dingtalk_client
from app.services.identity.errors import ProviderError, ProviderUnreachable
from tests.conftest import make_config
from tests.identity_servers import CONTACT_SECRET, FakeDingTalk, FakeWeCom


@pytest.fixture
def fake(app):
    with FakeWeCom() as fake:
        fake.departments = [{"id": 1, "name": "总院", "parentid": 0, "order": 1}]
        fake.members["zhang"] = {"userid": "zhang", "name": "张三", "department": [1],
                                 "position": "护士", "status": 1}
        app.config.update(fake.settings())
        yield fake


def test_the_token_is_fetched_once_for_two_app_instances(app, fake):
    first = wecom.app_client(app.config).get("/cgi-bin/department/list")
    assert first["department"][0]["name"] == "总院"
    other = create_app(make_config(**fake.settings()))  # another worker, same database
    with other.app_context():
        assert wecom.app_client(other.config).get("/cgi-bin/user/get", userid="zhang")[
            "name"] == "张三"
        db.session.remove()
        db.engine.dispose()
    assert fake.token_calls == 1


def test_an_expired_token_is_refreshed_once_and_the_call_tried_again(app, fake):
    client = wecom.app_client(app.config)
    client.get("/cgi-bin/department/list")
    fake.expire_tokens()  # WeCom now answers 42001 to the cached token
    assert client.get("/cgi-bin/user/get", userid="zhang")["userid"] == "zhang"
    assert fake.token_calls == 2
    assert fake.calls.count("/cgi-bin/user/get") == 2  # refused once, then served


def test_the_token_is_refreshed_five_minutes_before_it_expires(app, fake):
    calls = []

    def fetch():
        calls.append(1)
        return f"token-{len(calls)}", 7200

    now = utcnow()
    assert tokens.access_token("test:key", fetch, clock=lambda: now) == "token-1"
    later = now + timedelta(seconds=7200 - 301)
    assert tokens.access_token("test:key", fetch, clock=lambda: later) == "token-1"
    nearly = now + timedelta(seconds=7200 - 299)
    assert tokens.access_token("test:key", fetch, clock=lambda: nearly) == "token-2"


def test_two_workers_needing_a_token_at_once_ask_the_provider_once(app, fake):
    calls, results = [], []

    def fetch():
        calls.append(1)
        time.sleep(0.5)  # the provider is slow: the other worker arrives meanwhile
        return "shared-token", 7200

    def worker():
        with app.app_context():
            results.append(tokens.access_token("test:race", fetch))

    threads = [threading.Thread(target=worker) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["shared-token", "shared-token"] and len(calls) == 1


def test_the_directory_uses_the_contact_secret_with_its_own_token(app, fake):
    app.config["WECOM_CONTACT_SECRET"] = CONTACT_SECRET
    directory = wecom.WeCom().directory(app.config)
    assert directory.member_ids() == ["zhang"] and directory.member("zhang").position == "护士"
    wecom.app_client(app.config).get("/cgi-bin/department/list")
    assert fake.token_calls == 2  # the contact token and the app token, cached apart
    assert {purpose for purpose, _expiry in fake.tokens.values()} == {"contact", "app"}


def test_errors_carry_errcode_errmsg_and_a_chinese_meaning(app, fake):
    app.config["WECOM_SECRET"] = "wrong-secret"
    with pytest.raises(ProviderError) as caught:
        wecom.app_client(app.config).get("/cgi-bin/department/list")
    assert caught.value.errcode == 40001 and caught.value.errmsg == "invalid credential"
    with force_locale("zh_CN"):
        assert "WECOM_SECRET" in caught.value.meaning and "不正确" in caught.value.meaning
        assert caught.value.for_admins().startswith("errcode 40001: invalid credential（")
    app.config["WECOM_SECRET"] = fake.settings()["WECOM_SECRET"]
    with pytest.raises(ProviderError) as unknown:
        wecom.app_client(app.config).get("/cgi-bin/user/get", userid="nobody")
    assert unknown.value.errcode == 60111


def test_an_unreachable_provider_is_its_own_error(app, fake):
    fake.down = True
    with pytest.raises(ProviderUnreachable) as caught:
        wecom.app_client(app.config).get("/cgi-bin/department/list")
    with force_locale("zh_CN"):
        assert "无法连接" in caught.value.meaning


def test_dingtalk_token_and_directory(app):
    with FakeDingTalk() as fake:
        fake.departments = [{"dept_id": 2, "name": "门诊部", "parent_id": 1}]
        fake.members["li"] = {"userid": "li", "name": "李四", "dept_id_list": [2],
                              "title": "顾问"}
        app.config.update(fake.settings())
        from app.services.identity.dingtalk import DingTalk

        directory = DingTalk().directory(app.config)
        assert [d.name for d in directory.departments()] == ["门诊部"]
        assert directory.member_ids() == ["li"] and directory.member("li").position == "顾问"
        fake.expire_tokens()
        assert dingtalk_client(app.config).post("/topapi/v2/user/get", {"userid": "li"})[
            "result"]["name"] == "李四"
        assert fake.token_calls == 2
