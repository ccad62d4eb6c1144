"""Search of the learner's courses and SOP modules: Chinese and English words, literal % and _,
only content meant for the user in its latest version, escaped snippets with <mark>."""

from __future__ import annotations

from app.services.content import search
from tests.learning_factories import make_course, person, republish, sync_shipped


def _hits(user, query: str, kind: str | None = None) -> list[tuple[str, str]]:
    return [(hit.slug, hit.key) for hit in search.search(user, query).hits
            if kind is None or hit.kind == kind]


def test_two_chinese_characters_find_the_points_lessons(demo):
    sync_shipped()
    points = {("membership-and-points", key) for key in (
        "membership-and-points-roles", "tiers-and-benefits", "points-earn-and-redeem",
        "redemption-as-conversation")}
    for login in ("employee", "10011"):  # 客服 and 会员专员 are both in its audience
        lessons = set(_hits(person(login), "积分", "lesson"))
        assert points <= lessons
    assert ("membership-and-points", "") in _hits(person("employee"), "积分", "course")
    both = _hits(person("10011"), "积分 到期", "step")
    assert both and set(both) <= set(_hits(person("10011"), "积分", "step"))
    assert ("points-redemption-conversation", "") in _hits(person("10011"), "积分", "sop")


def test_latin_words_match_whatever_their_case(demo):
    sync_shipped()
    member = person("10011")  # 会员专员: the RFM course is meant for them
    lower = _hits(member, "rfm", "lesson")
    assert ("rfm-and-repurchase", "what-is-rfm") in lower
    assert lower == _hits(member, "RFM", "lesson") == _hits(member, "Rfm", "lesson")


def test_percent_and_underscore_are_literal(demo):
    make_course("c", [("pct", "折扣", "满减 50% 起"), ("num", "价格", "满 500 元"),
                      ("under", "字段", "填写 a_b 字段"), ("plain", "字段二", "填写 axb 字段")])
    employee = person("employee")
    assert _hits(employee, "50%", "lesson") == [("c", "pct")]
    assert _hits(employee, "a_b", "lesson") == [("c", "under")]
    assert _hits(employee, "%", "lesson") == [("c", "pct")]
    assert _hits(employee, "_", "lesson") == [("c", "under")]
    assert _hits(employee, "   ") == []


def test_search_only_finds_content_meant_for_the_user_and_its_latest_version(demo):
    course = make_course("c", [("a", "旧标题", "旧内容 积分")])
    make_course("front", [("a", "前台专用", "积分")], positions=("前台",))
    republish(course, [("a", "新标题", "新内容 积分")])
    employee = person("employee")
    assert _hits(employee, "积分", "lesson") == [("c", "a")]
    assert _hits(employee, "旧内容") == []


def test_snippets_are_escaped_and_highlight_the_match(demo):
    body = "前面" * 40 + "<script>alert(1)</script> 积分 规则 " + "后面" * 40
    make_course("c", [("a", "<b>积分</b>标题", body)])
    hit = next(h for h in search.search(person("employee"), "积分").hits if h.kind == "lesson")
    assert str(hit.title) == "&lt;b&gt;<mark>积分</mark>&lt;/b&gt;标题"
    assert "alert(1)&lt;/script&gt; <mark>积分</mark> 规则" in str(hit.snippet)
    assert str(hit.snippet).startswith("…") and str(hit.snippet).endswith("…")
    assert "<script" not in str(hit.snippet)
    assert len(str(hit.snippet)) < 250


def test_control_characters_in_a_query_are_ignored_not_an_error(app, demo):
    from app.services.content.search import search
    from tests.learning_factories import person

    assert search(person("employee"), "积\x00分") is not None
