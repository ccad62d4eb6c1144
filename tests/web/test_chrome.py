"""The header and main tabs kept per worker (app/web/chrome.py) show each person their own
name, token, bell, tabs and language, exactly as rendered anew."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models.base import utcnow
from app.services.assign.notify import notify
from app.web import chrome
from tests.learning_factories import person

CHROME = re.compile(r'<header class="topbar">.*?</header>\s*(?:<nav class="tabs".*?</nav>)?', re.S)
META = re.compile(r'name="csrf-token" content="([^"]+)"')


def _chrome(page: str) -> str:
    return CHROME.search(page).group(0)


def _signed_in(app, role: str):
    client = app.test_client()
    assert client.post("/auth/login", data={"login": role, "password": "demo1234"}
                       ).status_code == 302
    return client


@pytest.mark.parametrize("role,path,tab", [
    ("employee", "/learn/", "My learning"), ("employee", "/results/", "My results"),
    ("supervisor", "/team/", "My team"), ("trainer", "/manage/", "Trainer desk"),
    ("admin", "/admin/", "Administration")])
def test_the_kept_header_is_the_header_rendered_anew(app, demo, role, path, tab):
    client = _signed_in(app, role)
    client.post("/auth/language", data={"lang": "en", "next": path})
    chrome._kept.clear()
    fresh = client.get(path).text  # rendered and kept
    kept = client.get(path).text  # from what was kept
    assert _chrome(kept) == _chrome(fresh)
    assert re.search(rf'class="active"[^>]*>{tab}<', _chrome(kept))
    assert f'name="next" value="{path}?"' in kept
    assert _chrome(kept).count(META.search(kept).group(1)) == 2  # language switch, sign-out


def test_two_people_with_the_same_tabs_see_their_own_name_token_and_bell(app, demo):
    other = person("employee")
    other.name = '<b onmouseover="alert(1)">王</b>'
    db.session.commit()
    notify(other.id, "reminder", "r:1", utcnow())
    db.session.commit()
    mine = _signed_in(app, "employee").get("/learn/").text
    chrome._kept.clear()
    first = _signed_in(app, "employee")
    page = first.get("/learn/").text
    assert '<b onmouseover' not in page
    assert "&lt;b onmouseover=&#34;alert(1)&#34;&gt;王&lt;/b&gt;" in _chrome(page)
    assert 'data-unread="1"' in _chrome(page)
    assert META.search(page).group(1) != META.search(mine).group(1)
    assert META.search(page).group(1) in _chrome(page)


def test_the_bell_and_the_tabs_follow_what_changes(app, demo):
    client = _signed_in(app, "employee")
    assert 'data-unread="0"' in client.get("/learn/").text
    notify(person("employee").id, "reminder", "r:2", utcnow())
    db.session.commit()
    page = client.get("/learn/").text
    assert 'data-unread="1"' in page and '<span class="bell-count">1</span>' in page
    assert 'data-testid="grading-tab"' not in page
    supervisor = _signed_in(app, "supervisor").get("/learn/").text
    assert 'data-testid="grading-tab"' in supervisor


def test_a_page_address_with_a_placeholder_in_it_stays_the_address(app, demo):
    client = _signed_in(app, "employee")
    name = person("employee").name
    page = client.get("/learn/nothing-here-%00name%00").text
    form = re.search(r'name="next" value="([^"]*)"', page).group(1)
    assert name not in form and "nothing-here-" in form


def test_a_signed_out_visitor_gets_the_language_switch_only(client, demo):
    page = client.get("/auth/login").text
    header = _chrome(page)
    assert 'class="lang-switch"' in header and 'data-testid="bell"' not in header
    assert '<nav class="tabs"' not in page


def test_each_page_marks_its_own_tab_and_language(app, demo):
    client = _signed_in(app, "employee")
    for _ in range(2):  # the second time from what was kept
        for path, tab in (("/learn/", "我的学习"), ("/results/", "我的成果"),
                          ("/practice/", "实操"), ("/auth/profile", None)):
            header = _chrome(client.get(path).text)
            active = re.findall(r'class="active"[^>]*>([^<]+)<', header)
            assert active == ([tab] if tab else []), (path, active)
    client.post("/auth/language", data={"lang": "en", "next": "/learn/"})
    assert re.findall(r'class="active"[^>]*>([^<]+)<', _chrome(client.get("/learn/").text)
                      ) == ["My learning"]
