"""The term list: every rule found in a sentence a consultant might write, each finding with
its place, reason and safer wording; the data file itself is well-formed."""

from __future__ import annotations

import pytest

from app.services.coach import find_terms, load_terms

# (rule id, a reply using the claim, the words expected to be marked)
CLAIMS = [
    ("zuihao", "我们是全市最好的医美机构。", "全市最好"),
    ("zuihao", "这位医生做鼻子做得最好。", "最好"),
    ("zuihao", "这个项目的效果最好看", "最好"),
    ("zuijia", "我们为您定制最佳方案", "最佳"),
    ("zui-adjective", "这是目前最安全的玻尿酸", "最安全"),
    ("zui-adjective", "我们设备最先进", "最先进"),
    ("dingji", "顶级专家团队为您服务", "顶级"),
    ("dingji", "带给您极致的体验", "极致"),
    ("guojiaji", "国家级专家亲自操作", "国家级"),
    ("guojiaji", "世界级的技术水平", "世界级"),
    ("guojiaji", "技术国际领先", "国际领先"),
    ("baifenbai", "100%满意，您放心", "100%"),
    ("baifenbai", "百分百见效", "百分百"),
    ("baifenbai", "案例照片100%真实", "100%"),
    ("juedui", "您这个情况绝对能做", "绝对"),
    ("wanmei", "做完效果很完美", "完美"),
    ("shenqi", "效果非常神奇", "神奇"),
    ("shenqi", "祛斑特效产品", "特效"),
    ("shenqi", "真的是药到病除", "药到病除"),
    ("diyi", "我们是第一品牌", "第一"),
    ("diyi", "我们医生技术是第一。", "第一"),
    ("shouge", "我们是全国首家开展这个项目的机构", "全国首家"),
    ("shouge", "我们是首个引进这台设备的医院", "首个"),
    ("shouge", "业内第一家拿到认证", "业内第一家"),
    ("weiyi", "我们是全市唯一能做这个项目的机构", "唯一"),
    ("paiming", "口碑排名前三", "排名前三"),
    ("baozheng", "做完保证效果", "保证"),
    ("baozheng", "我给您打包票，没问题", "打包票"),
    ("baozhi", "包您满意", "包您满意"),
    ("baozhi", "祛痘包治", "包治"),
    ("yiding", "做完一定会变美", "一定会变美"),
    ("yiding", "肯定没问题的", "肯定没问题"),
    ("genzhi", "可以根治您的痘痘", "根治"),
    ("genzhi", "一个疗程就能治愈", "治愈"),
    ("zhiyulv", "我们的治愈率很高", "治愈率"),
    ("yongjiu", "效果可以永久保持", "永久"),
    ("yongjiu", "永久脱毛", "永久"),
    ("yongjiu", "做完终身有效", "终身有效"),
    ("jianxiao", "一次见效，当天就能看到", "一次见效"),
    ("jianxiao", "效果立竿见影", "立竿见影"),
    ("bufantan", "瘦脸针打完不反弹", "不反弹"),
    ("dongling", "做完年轻十岁", "年轻十岁"),
    ("dongling", "冻龄秘诀", "冻龄"),
    ("tuikuan", "不满意全额退款", "不满意全额退款"),
    ("tuikuan", "不满意可以全额退款", "不满意可以全额退款"),
    ("lingfengxian", "这个项目零风险", "零风险"),
    ("lingfengxian", "纯植物成分无副作用", "无副作用"),
    ("lingfengxian", "做完没有任何风险", "没有任何风险"),
    ("wutong", "整个过程无痛", "无痛"),
    ("wutong", "放心，一点都不疼", "一点都不疼"),
    ("wuchuang", "完全无创，不伤皮肤", "完全无创"),
    ("wuchuang", "无创无痛，做完就走", "无创"),
    ("wuhuifuqi", "这个项目无恢复期", "无恢复期"),
    ("wuhuifuqi", "做完马上上班", "做完马上上班"),
    ("buliuba", "切口很小，不留疤", "不留疤"),
    ("buliuba", "做完看不出来做过", "看不出来做过"),
    ("anquan", "这个项目很安全", "很安全"),
    ("anquan", "绝对安全", "绝对安全"),
    ("chuntianran", "纯天然成分", "纯天然"),
    ("zuidijia", "全网最低价", "全网最低"),
    ("zuidijia", "给您最低价", "最低价"),
    ("zuidijia", "这是最便宜的", "最便宜"),
    ("mianfei", "推荐三个朋友就能免费整形", "免费整形"),
    ("daikuan", "你先贷款，分期很轻松", "先贷款"),
    ("daikuan", "钱我们帮你还", "帮你还"),
    ("cuicu", "名额只剩最后一个了", "名额只剩"),
    ("cuicu", "今天不定就没有这个价了", "今天不定就没"),
    ("mingxing", "这是明星同款鼻子", "明星同款"),
    ("quanwei", "权威专家坐诊", "权威专家"),
]


@pytest.mark.parametrize("rule,text,marked", CLAIMS)
def test_each_claim_is_found_in_context(rule, text, marked):
    findings = find_terms(text)
    assert [(f.rule, f.term) for f in findings if f.rule == rule] == [(rule, marked)], findings
    finding = next(f for f in findings if f.rule == rule)
    assert text[finding.start:finding.end] == marked
    assert finding.reason and finding.suggestion and finding.category


def test_every_rule_of_the_shipped_list_has_an_example_here():
    rules = {rule.id for rule in load_terms().rules}
    assert rules == {rule for rule, _text, _marked in CLAIMS}


def test_offsets_are_characters_of_the_original_text_even_full_width():
    text = "您好！效果１００％满意，保证！"
    [first, second] = find_terms(text)
    assert (first.term, first.start, first.end) == ("１００％", 5, 9)
    assert (second.term, text[second.start:second.end]) == ("保证", "保证")


def test_several_claims_in_one_reply_in_order_without_overlaps():
    text = "放心做，保证不留疤，零风险，效果绝对好，是全市第一。"
    findings = find_terms(text)
    assert [f.term for f in findings] == ["保证", "不留疤", "零风险", "绝对", "全市第一"]
    spans = [(f.start, f.end) for f in findings]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_every_reason_and_suggestion_is_chinese_and_helpful():
    for rule in load_terms().rules:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.reason), rule.id
        assert len(rule.suggestion) >= 8, rule.id
        assert rule.reason != rule.suggestion, rule.id


def test_an_empty_text_has_no_findings():
    assert find_terms("") == []
    assert find_terms("   \n ") == []
