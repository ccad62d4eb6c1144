"""The rules that keep ordinary words from being marked (docs/coach.md "False hits"):
sequence words, advice, service commitments, negation, talk about a phrase, questions,
and — in course material only — quoted examples and lines marked ❌."""

from __future__ import annotations

import pytest

from app.services.coach import find_terms

SEQUENCE_WORDS = [  # 第一/首 counting visits, days, steps — not a ranking
    "第一次到院请带上身份证件。",
    "第一天注意冰敷，第一周不要剧烈运动。",
    "第一步先登记，第二步面诊。",
    "我会在第一时间回复您。",
    "这是您的第一个疗程。",
    "您是今天第一个到的客户。",
    "第1次治疗后一个月复查。",
    "这是第10次复诊，第12天拆线。",
    "您是我们第一百位会员。",
    "第一，先确认身份；第二，说明用途。",
    "1. 第一：核对案例编号",
    "首个疗程结束后医生会复查。",
    "我们把安全放在第一位。",
]
ADVICE = [  # 最好 + a verb is advice, not a claim about anyone
    "您最好提前预约。",
    "术后一周内最好不要化妆。",
    "您最好术后三天内别沾水。",
    "最好的办法是先来面诊，让医生评估。",
    "还是先面诊最好。",
    "最安全的做法是先让医生评估。",
    "您能提前十分钟到就最好了。",
    "为了保证效果，术后请按时复查。",
    "术后要保证充足的睡眠。",
]
ORDINARY_WORDS = [  # the characters of a term inside another word
    "预约需要交保证金，未到院可以退。",
    "请在知情同意书和保证书上签字。",
    "我们保证您的隐私不会外泄。",
    "积分永久有效，档案永久保存。",
    "唯一需要注意的是术后防晒。",
    "到院后我们有唯一的案例编号。",
    "伤口已经包好纱布了。",
    "您的信息很安全，只用于安排面诊。",
    "免费面诊，名额以预约为准。",
    "无创项目也有风险，医生会说明。",
    "绝对不能把客户信息发到群里。",
]
NEGATED = [  # the claim is denied, refused or forbidden
    "我们不保证效果，医生会评估。",
    "任何医生都无法保证效果。",
    "谁也不能保证百分之百满意。",
    "没有哪家机构能保证不反弹。",
    "我们不承诺根治，可以改善。",
    "不是零风险的，医生会讲清楚。",
    "避免使用“最好”“第一”这样的词。",
    "千万不要对客户说保证效果。",
    "别说立竿见影，恢复需要时间。",
    "宣传里不能出现无痛、零风险。",
    "不宣传治愈率、有效率。",
    "如果有人承诺替您还款，请先别办理。",
]
QUESTIONS_AND_MENTIONS = [
    "您是担心会不会痛吗？",
    "很多客户问会不会反弹、会不会留疤。",
    "您想了解有没有恢复期、有没有副作用？",
    "“保证效果”这种话我们从来不说。",
    "永久不反弹是不可能的。",
    "无痛感不等于没有风险。",
]


@pytest.mark.parametrize("text", SEQUENCE_WORDS + ADVICE + ORDINARY_WORDS + NEGATED
                         + QUESTIONS_AND_MENTIONS)
def test_no_false_hit(text):
    assert find_terms(text, learned=False) == [], text


def test_the_learned_layer_stays_within_one_false_alarm_per_30_on_these_near_misses():
    """The rules above are the rules' own; the learned layer on top of them is held to the
    goal on the same lines (it marks 我们把安全放在第一位 — see docs/coach.md)."""
    lines = SEQUENCE_WORDS + ADVICE + ORDINARY_WORDS + NEGATED + QUESTIONS_AND_MENTIONS
    alarms = [text for text in lines if find_terms(text)]
    assert 30 * len(alarms) <= len(lines), alarms


@pytest.mark.parametrize("text,marked", [
    ("我们是第一！", "第一"),                   # a ranking at the end of a clause
    ("我们医生最好。", "最好"),                  # 最好 at the end of a clause
    ("最好的医院就是我们", "最好"),               # 最好的 + noun
    ("这里的医生技术最好了", "最好"),
    ("唯一一家能做的机构", "唯一"),
    ("我们保证效果", "保证"),                   # 保证 + result, not a service commitment
    ("别担心，零风险", "零风险"),                # 别担心 does not negate what follows
    ("不用怕，一点也不疼", "一点也不疼"),
    ("不好意思，这个项目是无痛的", "无痛"),
    ("效果不好保证退款", "保证"),                 # 不好 is not a negation of 保证
    ("没问题，保证满意", "保证"),                 # a clause break ends the negation
])
def test_claims_next_to_the_exceptions_are_still_found(text, marked):
    assert [f.term for f in find_terms(text)] == [marked]


TEACHING = """# 广告法

| 不能说 | 问题 |
| --- | --- |
| `最好的医生`、`第一品牌` | 极限用语 |

下面这些话不能出现：

> ❌ 我们是全市唯一的机构，保证效果。

遇到“免费整形”“帮你还”这类说法，先停下来。
"""


def test_course_material_may_quote_what_not_to_say():
    assert find_terms(TEACHING, teaching=True) == []


def test_the_same_quotes_in_a_reply_are_claims_unless_talked_about():
    # “免费整形”“帮你还”这类说法 is talk about the phrases (a mention cue), in any text
    assert [f.term for f in find_terms(TEACHING)] == ["最好", "第一", "唯一", "保证"]


def test_a_reply_cannot_hide_a_claim_in_quotes_but_course_material_can():
    reply = "这个项目“零风险”，做完“立竿见影”。"
    assert [f.term for f in find_terms(reply)] == ["零风险", "立竿见影"]
    assert find_terms(reply, teaching=True) == []


def test_course_material_still_checks_its_unquoted_sentences_and_good_examples():
    text = "> {客户称呼}，这个项目零风险，您放心。\n\n第一次到院请提前预约。"
    assert [f.term for f in find_terms(text, teaching=True)] == ["零风险"]


def test_a_cross_only_marks_the_rest_of_its_own_line():
    text = "> ❌ 保证效果\n保证效果"
    [finding] = find_terms(text, teaching=True)
    assert finding.start == text.rindex("保证")
