"""Comparing two versions: lessons and steps matched by key, line diffs with context."""

from __future__ import annotations

from app.services.content.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    Line,
    diff_content,
    line_diff,
)
from app.services.content.kinds import COURSE, SOP_MODULE


def _lesson(key: str, title: str, body: str = "", chapter: str = "第一章", **media) -> dict:
    return {"key": key, "chapter_title": chapter, "title": title, "body": body,
            "video_media_id": media.get("video"), "audio_media_id": None,
            "pdf_media_id": None}


def _course(*lessons, title="私域入门", summary="") -> dict:
    return {"title": title, "summary": summary, "lessons": list(lessons)}


def _positions(names: dict[int, str]) -> dict[str, dict[int, str]]:
    return {"owner_position_id": names, "responsible_position_id": names}


def _step(key: str, title: str, **fields) -> dict:
    return {"key": key, "title": title, "instructions": "", "script": "",
            "responsible_position_id": None, "timing": "", "evidence_type": "none",
            "evidence_hint": "", "key_points": [], **fields}


def _sop(*steps, **fields) -> dict:
    return {"title": "夜间咨询", "purpose": "", "owner_position_id": None, "steps": list(steps),
            **fields}


def test_a_changed_line_is_removed_and_added_with_context_around_it():
    old = "一\n二\n三\n四\n五\n"
    new = "一\n二\n叁\n四\n五\n"
    assert line_diff(old, new) == [
        Line("context", "一"), Line("context", "二"), Line("removed", "三"),
        Line("added", "叁"), Line("context", "四"), Line("context", "五"),
    ]


def test_distant_changes_are_separated_by_a_gap():
    old = "\n".join(str(n) for n in range(20))
    new = old.replace("1\n", "one\n", 1).replace("18", "eighteen")
    kinds = [line.kind for line in line_diff(old, new)]
    assert kinds.count("gap") == 1
    assert kinds.count("added") == 2 and kinds.count("removed") == 2
    assert len(kinds) < 20  # unchanged lines far from a change are left out


def test_added_and_removed_text_is_all_added_or_all_removed():
    assert {line.kind for line in line_diff("", "甲\n乙")} == {"added"}
    assert {line.kind for line in line_diff("甲\n乙", "")} == {"removed"}


def test_lessons_are_matched_by_key_not_by_title_or_position():
    old = _course(_lesson("intro", "开场", "你好"), _lesson("why", "为什么", "成本高"),
                  _lesson("old", "旧课", "过时"))
    new = _course(_lesson("why", "为什么现在", "成本高"), _lesson("intro", "开场", "你好"),
                  _lesson("new", "新课", "新内容"))
    items = {item.key: item for item in diff_content(COURSE, old, new).items}
    assert items["why"].status == CHANGED and [c.name for c in items["why"].changes] == ["title"]
    assert items["intro"].status == UNCHANGED and items["intro"].moved
    assert items["new"].status == ADDED and items["old"].status == REMOVED
    assert [item.key for item in diff_content(COURSE, old, new).items] == \
        ["why", "intro", "new", "old"]


def test_course_title_and_summary_changes_are_reported_once():
    diff = diff_content(COURSE, _course(_lesson("a", "甲"), summary="旧简介"),
                        _course(_lesson("a", "甲"), title="私域进阶", summary="新简介"))
    assert [change.name for change in diff.changes] == ["title", "summary"]
    assert diff.items[0].status == UNCHANGED and not diff.is_empty


def test_identical_versions_have_no_differences():
    course = _course(_lesson("a", "甲", "正文"))
    diff = diff_content(COURSE, course, course)
    assert diff.is_empty and diff.counts == {UNCHANGED: 1}


def test_a_first_version_is_all_added():
    diff = diff_content(COURSE, None, _course(_lesson("a", "甲"), _lesson("b", "乙")))
    assert [item.status for item in diff.items] == [ADDED, ADDED]


def test_attached_files_are_named_by_their_file_names():
    diff = diff_content(COURSE, _course(_lesson("a", "甲", video=1)),
                        _course(_lesson("a", "甲", video=2)),
                        {"video_media_id": {1: "旧.mp4", 2: "新.mp4"}})
    (change,) = diff.items[0].changes
    assert change.name == "video_media_id"
    assert change.lines == [Line("removed", "旧.mp4"), Line("added", "新.mp4")]


def test_sop_steps_show_positions_by_name_and_key_points_as_lines():
    old = _sop(_step("s1", "首次回复", responsible_position_id=1,
                     key_points=[{"point": "问候", "synonyms": []}]))
    new = _sop(_step("s1", "首次回复", responsible_position_id=2,
                     key_points=[{"point": "问候", "synonyms": []},
                                 {"point": "说明医生资质", "synonyms": ["执业医师"]}]),
               owner_position_id=2, purpose="新增目的")
    diff = diff_content(SOP_MODULE, old, new, _positions({1: "客服", 2: "前台"}))
    assert [c.name for c in diff.changes] == ["owner_position_id", "purpose"]
    step = diff.items[0]
    changes = {c.name: c.lines for c in step.changes}
    assert changes["responsible_position_id"] == [Line("removed", "客服"), Line("added", "前台")]
    assert changes["key_points"] == [Line("context", "问候"),
                                     Line("added", "说明医生资质：执业医师")]
