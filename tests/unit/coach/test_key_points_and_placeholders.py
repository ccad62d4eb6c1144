"""Key points covered (by the point or any synonym) and placeholders left unfilled."""

from __future__ import annotations

import tomllib

from app.services.coach import review_reply
from app.services.coach.key_points import check_key_points, rubric_key_points
from app.services.coach.placeholders import find_placeholders, template_names
from tests.conftest import ROOT

POINTS = [
    {"point": "询问过敏或用药情况", "synonyms": ["过敏", "服用的药物", "用药"]},
    {"point": "说明信息用途并保密", "synonyms": ["保密", "只用来", "只用于"]},
    {"point": "了解到院时间", "synonyms": ["什么时候到院", "到院时间"]},
]


def _coverage(text, points=POINTS):
    return [(p.term, p.matched) for p in check_key_points(text, points)]


def test_a_synonym_covers_its_point_and_says_which_one():
    text = "您目前有没有正在服用的药物？这些信息只用来安排面诊。"
    assert _coverage(text) == [("询问过敏或用药情况", "服用的药物"),
                               ("说明信息用途并保密", "只用来"),
                               ("了解到院时间", "")]


def test_the_point_itself_covers_it_and_the_place_is_in_the_original_text():
    text = "我想先了解到院时间。"
    [_allergy, _privacy, arrival] = check_key_points(text, POINTS)
    assert arrival.matched == "了解到院时间"
    assert text[arrival.start:arrival.end] == "了解到院时间"


def test_matching_ignores_spaces_full_width_letters_and_case():
    points = [{"point": "发送 SOP 链接", "synonyms": ["ｓｏｐ链接"]}]
    text = "我把 S O P 链 接发给您"
    [point] = check_key_points(text, points)
    assert point.matched == "ｓｏｐ链接"
    assert text[point.start:point.end] == "S O P 链 接"


def test_malformed_key_points_are_left_out():
    points = [{"point": ""}, "要点", {"synonyms": ["x"]}, {"point": "保密", "synonyms": [3]}]
    assert _coverage("会保密", points) == [("保密", "保密")]


def test_every_shipped_step_script_covers_its_own_key_points():
    for path in sorted((ROOT / "sop").glob("*.toml")):
        for step in tomllib.loads(path.read_text("utf-8"))["steps"]:
            if step.get("script") and step.get("key_points"):
                missing = [p.term for p in check_key_points(step["script"], step["key_points"])
                           if not p.matched]
                assert not missing, (path.name, step["title"], missing)


def test_rubric_points_become_key_points():
    points = rubric_key_points(["说明不必当天决定", "提供书面方案或资料",
                                "不施压：不催，慢慢考虑，不着急", ""])
    assert points == [
        {"point": "说明不必当天决定", "synonyms": ["不必当天决定"]},
        {"point": "提供书面方案或资料", "synonyms": ["书面方案", "资料"]},
        {"point": "不施压", "synonyms": ["不催", "慢慢考虑", "不着急"]},
    ]
    coverage = _coverage("资料我整理好发您，您慢慢考虑。", points)
    assert coverage == [("说明不必当天决定", ""), ("提供书面方案或资料", "资料"),
                        ("不施压", "慢慢考虑")]


TEMPLATE = "{客户称呼}您好，我是{机构名称}的【员工姓名】，提醒您{到院时间}面诊。"


def test_template_names_in_order():
    assert template_names(TEMPLATE) == ["客户称呼", "机构名称", "到院时间", "员工姓名"]


def test_unfilled_placeholders_are_found_in_every_form():
    reply = "王女士您好，我是｛机构名称｝的【员工姓名】，提醒您{到院时间}面诊，由XX医生接待。"
    assert [p.term for p in find_placeholders(reply, TEMPLATE)] == [
        "｛机构名称｝", "【员工姓名】", "{到院时间}", "XX"]


def test_a_placeholder_name_left_without_brackets_is_found():
    [left] = find_placeholders("客户称呼您好，提醒您明天上午面诊。", TEMPLATE)
    assert (left.term, left.start, left.end) == ("客户称呼", 0, 4)


def test_a_filled_reply_and_ordinary_brackets_are_fine():
    reply = "【温馨提示】张女士您好，我是本院客服小林，提醒您明天上午十点面诊。"
    assert find_placeholders(reply, TEMPLATE) == []
    assert [p.term for p in find_placeholders("【到院日期】请确认", "")] == ["【到院日期】"]


def test_review_reply_brings_the_three_checks_together():
    report = review_reply("{客户称呼}您好，我们保证效果，信息只用于安排面诊，会保密。",
                          key_points=POINTS, template=TEMPLATE)
    assert [f.term for f in report.findings] == ["保证"]
    assert [p.term for p in report.placeholders] == ["{客户称呼}"]
    assert [bool(p.matched) for p in report.key_points] == [False, True, False]
    assert not report.clean
    data = report.as_dict()
    assert set(data) == {"findings", "key_points", "placeholders", "notes"}
    assert data["key_points"][1] == {"point": "说明信息用途并保密", "covered": True,
                                     "matched": "保密"}


def test_placeholders_are_not_reported_when_the_task_asks_for_them():
    report = review_reply("{客户称呼}您好", template=TEMPLATE, placeholders_expected=True)
    assert report.placeholders == [] and report.clean


def test_segments_rebuild_the_text_with_marks():
    text = "{客户称呼}，保证效果"
    report = review_reply(text, template=TEMPLATE)
    pieces = report.segments()
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.kind, p.number) for p in pieces if p.kind] == [
        ("{客户称呼}", "placeholder", 0), ("保证", "risk", 1)]
