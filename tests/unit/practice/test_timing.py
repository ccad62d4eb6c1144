"""Timing windows: every timing string of the shipped SOPs, and the deadline arithmetic."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from app.services.practice.timing import CHINA, Window, parse_timing, step_timings
from tests.conftest import ROOT

W = Window
EXPECTED = {
    "上线前1周": None, "上线前2周": None, "上线前，留足审查时间": None,
    "推荐人询问朋友情况时": None, "上线前3至4周": None, "候诊期间": None, "出院前": None,
    "判断适合后3个工作日内": W("workdays", 3), "到院后5分钟内": W("minutes", 5),
    "医生面诊后、与客户沟通方案时": None, "发现异常后立即": None, "发现预警信号后立即": None,
    "团购客户到院时": None, "复查完成后1至3天内；无复查的项目在离院后第3天": W("days", 3),
    "奖励条件达成后3个工作日内": W("workdays", 3), "客户主动提出其他项目需求时": None,
    "客户决定后办理付款时": None, "客户到院时": None, "客户同意推荐时": None,
    "客户回复后的对话中": None, "客户成交后、离开面诊区前": None,
    "客户确认兑换后当天": W("same_day"), "客户离开面诊区后当天": W("same_day"),
    "客户离院时": None, "客户询问医院或医生时": None, "客户进入面诊前": None,
    "客户进入面诊室前": None, "对话中客户表现出到院意向时": None,
    "收到咨询后3分钟内": W("minutes", 3), "收到问卷或客户回复后24小时内": W("hours", 24),
    "方案沟通中": None, "方案说明后": None, "服务使用或礼品签收后3天内": W("days", 3),
    "术前1至3天（按医嘱时间）": None, "术后当天、第1天、第3天、第7天，之后按医嘱": W("same_day"),
    "术后第7天（或医嘱复查日）前一天提醒；复查后收集反馈": None,
    "次日上午，客户留下的方便时段内": None, "次日上班后30分钟内": None, "次日上班后立即": None,
    "每天夜间时段开始前（下班前）": None, "每月固定日（例如每月5日）": None,
    "每次有效沟通后当天": W("same_day"), "活动上线当天": W("same_day"),
    "活动期间，收到咨询后3分钟内": W("minutes", 3), "活动结束后7天内": W("days", 7),
    "添加好友后24小时内": W("hours", 24), "满意度沟通中": None,
    "满意度调查完成后，客户反馈满意且恢复顺利时": None, "登记完成后": None,
    "确认时机后当天": W("same_day"), "离院后24小时内": W("hours", 24),
    "离院后第2天至复查前，按科室护理计划": None, "筛选后2个工作日内，白天发送": W("workdays", 2),
    "被推荐人到院登记时": None, "邀约确认后当天；到院前一天发送提醒": W("same_day"),
    "需求记录后3个工作日内": W("workdays", 3), "面诊中": None, "首次回复后的对话中": None,
    "首次回访后24至48小时": W("hours", 48),
    # the compliance SOP modules (complaints, reviews, after-care, privacy, refunds)
    "任何时候发现预警信号，立即": None, "任何部门申请使用客户照片时": None,
    "分配完成后，恢复期客户当天，其他客户按本院制度的时限内": W("same_day"),
    "发现差评后立即": None,
    "客户主动联系后当天；客户未联系的，按本院制度决定是否通过已有渠道询问": W("same_day"),
    "客户或家属提出封存要求时": None, "客户提出时，当场": None,
    "客户提出时，当天登记": W("same_day"), "客户提出时；办理时限以本院制度为准": None,
    "客户确认后，按本院制度的时限": None, "客户表达不满时，当场": None,
    "拍摄前，客户签署治疗知情同意书之外另行办理": None, "拍摄当天下班前": W("same_day"),
    "拍摄时": None, "按本院制度的答复时限": None,
    "接到上报后，按本院制度尽快安排；有预警症状的立即": None, "接待结束前": None,
    "本院制度规定的时限内": None, "本院制度规定的时限内；涉及身体不适的，立即": None,
    "核实当天": W("same_day"), "每个工作日，频次以本院制度为准": None,
    "治疗后24小时内": W("hours", 24), "治疗后第1天": None,
    "治疗后第3–7天（按医生医嘱的节点）": None, "治疗后第3天": None, "治疗后第7天": None,
    "治疗结束、离院前": None, "涉及未完成疗程的退款，核定金额前": None, "登记前": None,
    "登记后，按本院制度的时限": None, "离职前完成分配": None,
    "离职前至少两个工作日内完成（以本院制度为准）": None, "离职当天": W("same_day"),
    "离职确认当天": W("same_day"), "答复期限内": None,
    "结痂期回访结束时，或客户询问下一次治疗时": None, "财务和主管核定后": None,
    "问题处理完毕后": None,
}


def _shipped_timings() -> set[str]:
    found = set()
    for path in (ROOT / "sop").glob("*.toml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r'^timing\s*=\s*"(.*)"\s*$', line)
            if match:
                found.add(match.group(1))
    return found


def test_every_shipped_timing_has_an_expectation():
    shipped = _shipped_timings()
    assert shipped, "no timing lines found in sop/*.toml"
    assert shipped <= set(EXPECTED), f"new timing strings: {sorted(shipped - set(EXPECTED))}"


@pytest.mark.parametrize("text", sorted(EXPECTED))
def test_shipped_timing_parses_as_expected(text):
    assert parse_timing(text) == EXPECTED[text]


@pytest.mark.parametrize("text,window", [
    ("", None), (None, None), ("后2日内", W("days", 2)), ("出院后 12 小时内", W("hours", 12)),
    ("术后第7天", None), ("上线前2周", None), ("离院后24小时", None), ("当日", W("same_day")),
    ("后1到2天", W("days", 2)),
])
def test_other_shapes(text, window):
    assert parse_timing(text) == window


def china(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA).astimezone(UTC)


def test_deadlines():
    anchor = china(2026, 11, 20, 22, 0)  # a Friday, 22:00 China time
    assert W("minutes", 5).deadline(anchor) == anchor + timedelta(minutes=5)
    assert W("hours", 24).deadline(anchor) == anchor + timedelta(hours=24)
    assert W("days", 3).deadline(anchor) == anchor + timedelta(days=3)
    assert W("workdays", 1).deadline(anchor) == china(2026, 11, 23, 22, 0)  # Monday
    assert W("workdays", 3).deadline(anchor) == china(2026, 11, 25, 22, 0)
    same_day = W("same_day").deadline(anchor)
    assert china(2026, 11, 20, 23, 59) < same_day < china(2026, 11, 21, 0, 0)
    late_utc_same_china_day = china(2026, 11, 20, 7, 30)  # 23:30 UTC the day before
    assert W("same_day").deadline(late_utc_same_china_day) == same_day


def test_on_time_anchors_on_the_previous_ticked_step():
    case_at = china(2026, 11, 20, 9, 0)
    steps = [
        ("到院后5分钟内", None, case_at + timedelta(minutes=4)),  # anchor case_at: on time
        ("", None, None),                                        # no window, not ticked
        ("离院后24小时内", None, case_at + timedelta(hours=30)),  # anchor: step 1's tick → late
        ("活动上线当天", "previous_step", None),                  # not ticked: None
        ("收到咨询后3分钟内", None, case_at + timedelta(hours=30, minutes=3)),  # anchor step 3
    ]
    timings = step_timings(steps, case_at)
    assert [t.on_time for t in timings] == [True, None, False, None, True]
    assert timings[2].anchor == case_at + timedelta(minutes=4)
    assert timings[3].deadline is not None and timings[3].on_time is None
    assert timings[4].anchor == case_at + timedelta(hours=30)


def test_a_step_timed_from_the_case_start_ignores_the_previous_ticks(app):
    """"术后72小时内" from the case start: a call ~80 h after the operation is late even when
    the previous step was ticked only 10 h before; the rule says so beside the badge."""
    case_at = china(2026, 11, 20, 9, 0)
    first = ("术后当天", None, case_at + timedelta(hours=70))
    from_case = step_timings([first, ("术后72小时内", "case_start", case_at + timedelta(hours=80))],
                             case_at)
    from_previous = step_timings([first, ("术后72小时内", "previous_step",
                                          case_at + timedelta(hours=80))], case_at)
    assert (from_case[1].anchor, from_previous[1].anchor) == (case_at, first[2])
    assert (from_case[1].on_time, from_previous[1].on_time) == (False, True)
    assert from_case[1].deadline == case_at + timedelta(hours=72)
    with force_locale("zh_Hans_CN"):
        assert str(from_case[1].rule) == "案例开始后 72 小时内"
        assert str(from_previous[1].rule) == "上一步完成后 72 小时内"
        assert str(from_case[0].rule) == "案例开始当天"  # the first step: nothing before it
    with force_locale("en"):
        assert str(from_case[1].rule) == "within 72 hours of the case start"
    assert step_timings([("面诊中", "case_start", case_at)], case_at)[0].rule is None
