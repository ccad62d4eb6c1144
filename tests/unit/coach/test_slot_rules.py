"""The slot rules of the term list ([slots] + [[slot_rules]]): each family of risky sales
lines is found in wordings no single term covers; negated, reported, quoted (in course
material) and lawful near-miss lines stay quiet; a broken rule is refused naming its line."""

from __future__ import annotations

import pytest

from app.services.coach import TermsFileError, find_terms, load_terms

# (slot rule id, a reply a consultant might send, the words expected to be marked)
FAMILIES = [
    ("rate-number", "这个项目的满意率在97%左右", "满意率在97%"),
    ("rate-number", "满意度能到九成以上哦", "满意度能到九成以上"),
    ("rate-number", "八成的姐妹做完都挺满意", "八成的姐妹做完都挺满意"),
    ("case-count", "王医生光鼻子就做了几千例", "做了几千例"),
    ("case-count", "我们累计完成两万多台手术", "累计完成两万多台"),
    ("promise", "这次一定让您满意", "一定让您满意"),
    ("promise", "交给我们，保您变漂亮", "保您变漂亮"),
    ("refund-promise", "效果不明显的话，下次免费补做", "效果不明显的话，下次免费补"),
    ("refund-promise", "做不好我们赔", "做不好我们赔"),
    ("quick-change", "皮秒打完立马就白了", "立马就白了"),
    ("quick-change", "两次就能看到效果", "两次就能看到效果"),
    ("no-harm", "这个针基本不会有什么副作用", "不会有什么副作用"),
    ("no-harm", "失败率几乎为零", "失败率几乎为零"),
    ("never-failed", "李主任十几年从来没失过手", "十几年从来没失过手"),
    ("forever", "线雕能维持一辈子吗？能的", "维持一辈子"),
    ("forever", "一次管五年", "管五年"),
    ("before-after", "我发您几张前后对比照", "发您几张前后对比照"),
    ("before-after", "上个月那个姐姐做完，她老公都认不出来", "认不出来"),
    ("endorsement", "那个大V博主也是在我们这做的", "大V博主也是在我们这"),
    ("endorsement", "这是德国前沿技术", "德国前沿"),
    ("proof-of-safety", "我们有正规资质，您完全放心", "资质，您完全放心"),
    ("compare", "我们技术在本地是领先的", "领先"),
    ("compare", "价格比外面便宜很多", "比外面便宜"),
    ("compare", "他们家那个机构不正规", "他们家那个机构不正规"),
    ("inducement", "办卡就送一次光子嫩肤", "办卡就送"),
    ("inducement", "发个小红书笔记，返您300", "小红书笔记，返"),
    ("pressure", "这种事越拖越麻烦", "越拖越"),
    ("pressure", "就剩2个名额了", "就剩2个名额"),
    ("pressure", "这个价是偷偷帮您申请的", "偷偷"),
]

NEAR_MISSES = [  # lawful lines that share words with a rule
    "我们不做效果承诺，医生面诊后会评估。",
    "没有人能保证效果，效果因人而异。",
    "不能保证效果，这点要先跟您说清楚。",
    "产品已取得国家药监局注册证，注册证号可以查询。",
    "活动规则写在活动页面上，名额有限，先到先得。",
    "共30个名额，先到先得，规则以活动页面为准。",
    "第一次到院请提前十分钟。",
    "医生会面诊评估您的情况。",
    "术后三天内可能会有轻微红肿，因人而异。",
    "如果做完有任何不适，请马上联系我们。",
    "术前术后的照片只存在病历系统里。",
    "没有成交也不是失败，尊重客户的决定。",
    "无创项目也有风险，医生会说明。",
    "积分永久有效。",
    "我们发送术后护理要点给您，请注意查收。",
    "复诊是免费的，记得按时来。",
    "您最好提前预约。",
    "目前最好先别化妆。",
    "恢复得越来越好了，继续注意防晒。",
    "我们院的执业许可证在前台可以看到。",
]

NEGATED_OR_REPORTED = [
    "我们不会跟您说做过上万例这种话。",
    "不能说“包您满意”，也不能承诺不会反弹。",
    "千万别承诺做不好退款。",
    "您说的明星也在这里做，我们没法证实。",
    "不要跟客户说越拖越难做。",
]


@pytest.mark.parametrize("rule,text,marked", FAMILIES)
def test_each_family_is_found_in_a_new_wording(rule, text, marked):
    findings = find_terms(text)
    assert [(f.rule, f.term) for f in findings] == [(rule, marked)], findings
    finding = findings[0]
    assert text[finding.start:finding.end] == marked
    assert "《" in finding.reason and finding.suggestion


def test_every_slot_rule_has_an_example_here():
    assert {rule.id for rule in load_terms().slot_rules} == {r for r, _t, _m in FAMILIES}


@pytest.mark.parametrize("text", NEAR_MISSES + NEGATED_OR_REPORTED)
def test_lawful_near_misses_and_negations_stay_quiet(text):
    assert find_terms(text) == [], text


def test_a_term_wins_over_an_overlapping_slot_rule():
    [finding] = find_terms("做完保证效果")
    assert (finding.rule, finding.term) == ("baozheng", "保证")


def test_quoted_lines_are_examples_in_course_material_but_claims_in_a_reply():
    text = "这些话不能写进回复：「做过上万例」、`马上就年轻了`、“送一台手机”。"
    assert find_terms(text, teaching=True) == []
    reply = "我们“做过上万例”，“马上就年轻了”"
    assert [f.rule for f in find_terms(reply)] == ["case-count", "quick-change"]
    assert find_terms(reply, teaching=True) == []


def test_a_gap_does_not_run_across_a_quote_or_a_clause():
    assert find_terms("`无痛`、`零风险`", teaching=True) == []
    assert find_terms("我们没有收到消息，风险提示已经发您了") == []


SLOT_FILE = """[categories]
x = "X"
[[terms]]
id = "a"
term = "a"
category = "x"
reason = "r"
suggestion = "s"

[slots]
good = ["好", "棒"]

[[slot_rules]]
id = "very"
term = "很好"
pattern = "{pattern}"
category = "x"
reason = "r"
suggestion = "s"
"""


def test_a_clinic_can_write_its_own_slot_rule(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text(SLOT_FILE.replace("{pattern}", "很{~2}{good}"), encoding="utf-8")
    assert [f.term for f in find_terms("效果很是棒", terms_file=path)] == ["很是棒"]


@pytest.mark.parametrize("pattern,message", [
    ("很{bad}", r"terms.toml:13: \[\[slot_rules\]\] #1 \(very\): unknown slot '\{bad\}'"),
    ("很(", r"terms.toml:13: \[\[slot_rules\]\] #1 \(very\): bad pattern"),
    ("{good}?", "matches empty text"),
])
def test_a_broken_slot_rule_is_refused_naming_its_line(tmp_path, pattern, message):
    path = tmp_path / "terms.toml"
    path.write_text(SLOT_FILE.replace("{pattern}", pattern), encoding="utf-8")
    with pytest.raises(TermsFileError, match=message):
        load_terms(path)


def test_a_broken_slot_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text(SLOT_FILE.replace('["好", "棒"]', "[]").replace("{pattern}", "很"),
                    encoding="utf-8")
    with pytest.raises(TermsFileError, match=r"terms.toml:11: \[slots\] good"):
        load_terms(path)


@pytest.mark.parametrize("rule,text,marked", FAMILIES)
def test_every_family_quoted_in_course_material_is_an_example(rule, text, marked):
    for quoted in (f"“{text}”", f"「{text}」", f"‘{text}’", f"`{text}`"):
        assert find_terms(f"这些话不能照搬：{quoted}。", teaching=True) == [], quoted


@pytest.mark.parametrize("cue", ["不要说", "不能说", "禁止说", "避免说"])
@pytest.mark.parametrize("rule,text,marked", FAMILIES)
def test_every_family_after_a_dont_say_cue_is_taught_not_said(cue, rule, text, marked):
    assert find_terms(f"{cue}{marked}") == []
