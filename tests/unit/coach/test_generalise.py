"""The mechanisms that let the coach recognise wordings it has never seen (docs/coach.md,
"Generalising"): traditional characters, broad word lists per slot, and the difference
between a lesson that DESCRIBES a banned practice and a line that DOES it."""

from __future__ import annotations

import pytest

from app.services.coach import TermsFileError, find_terms, load_terms


def _rules(text: str, **kwargs) -> list[str]:
    return [f.rule for f in find_terms(text, **kwargs)]


def test_traditional_characters_are_read_as_simplified_and_marked_in_place():
    text = "這個療程保證讓妳皮膚變白"
    [finding] = find_terms(text)
    assert finding.term == "保證" and text[finding.start:finding.end] == "保證"


@pytest.mark.parametrize("text,rule", [
    ("宝子放心冲，做完妥妥显小五岁", "promise"),
    ("做了包你不后悔，不信你问问老客户", "promise"),
    ("做完三个月，肤色至少提亮两个色号", "promise"),
    ("这个针打完三天，法令纹就基本平了", "quick-change"),
    ("一针下去，苹果肌立刻饱满起来", "quick-change"),
    ("这个手术风险可控，基本等于零", "no-harm"),
    ("宝，这个项目真的闭着眼做都不会出错", "no-harm"),
    ("从开业到现在，没有一起纠纷", "never-failed"),
    ("隆胸的假体我们敢说用到老都不用换", "forever"),
    ("十个来做的有九个都说效果好", "rate-number"),
    ("去年我们家光热玛吉就做了五千多人", "case-count"),
    ("你看这是她第一次来的样子，这是现在，区别大吧", "before-after"),
    ("我们的主刀医生是国务院特殊津贴专家", "endorsement"),
    ("我们是XX品牌官方授权的全国示范中心", "endorsement"),
    ("Dr. Li 的双眼皮技术是业界天花板", "compare"),
    ("我们家的服务甩别家几条街", "compare"),
    ("我们收费只有公立医院的一半", "compare"),
    ("老带新成功，两人各得500元现金红包", "inducement"),
    ("集齐五个好友一起拼团，每人再立减五百", "inducement"),
    ("这是给老客户的隐藏价，别让新客户知道", "pressure"),
    ("你脸上这个情况拖下去只会更难处理", "pressure"),
])
def test_a_family_is_found_in_wordings_built_from_its_word_lists(text, rule):
    assert rule in _rules(text), find_terms(text)


@pytest.mark.parametrize("text", [
    "恢复得比上次好多了，继续注意防晒。",
    "如果红肿越来越重，请马上回院。",
    "做完一般三到七天消肿，个体差异比较大",
    "有人跟你说零风险，那是不对的",
    "我们保证您的资料只用于预约和病历",
    "客户主动在企业微信上发来恢复照片",
    "The doctor will explain the risks before treatment",
])
def test_lawful_lines_sharing_the_words_stay_quiet(text):
    assert find_terms(text) == [], text


@pytest.mark.parametrize("text", [
    "补偿包括退款、打折、免费修复、赠送项目、现金或礼品。",
    "- 不临时加码送项目、送礼品，临时改动就是未经审核的内容。",
    "| 「再充五千升金卡，送一次热玛吉」 | 用赠送医疗项目诱导加充 |",
    "| 推荐人按朋友消费金额拿现金提成 | 推荐变成生意，容易诱导夸大 |",
])
def test_a_lesson_describing_a_banned_practice_is_teaching(text):
    assert find_terms(text, teaching=True) == [], text


@pytest.mark.parametrize("text", [
    "今天下单送您一次水光，诱导不诱导的不重要。",
    "我们的技术全国领先，欢迎来做。",
])
def test_a_lesson_line_addressed_to_a_client_or_without_a_teaching_cue_is_still_marked(text):
    assert find_terms(text, teaching=True), text


def test_in_a_reply_a_statement_about_the_rules_is_quiet_but_an_offer_is_not():
    assert find_terms("充值送项目属于违规诱导，我们医院不做") == []
    assert _rules("充值送您一次水光，这不违规") == ["inducement"]


def test_a_broken_word_list_in_rules_is_refused_naming_its_line(tmp_path):
    source = load_terms().path.read_text(encoding="utf-8")
    path = tmp_path / "terms.toml"
    path.write_text(source.replace('address_cues = [', 'address_cues = "您"\nold_address = [', 1),
                    encoding="utf-8")
    with pytest.raises(TermsFileError, match=r"terms.toml:\d+: \[rules\] address_cues"):
        load_terms(path)
