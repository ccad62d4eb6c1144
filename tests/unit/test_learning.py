"""The learner's services: who content is meant for, progress across versions, completion rules,
acknowledgements pinned to a version (search: test_learning_search.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Acknowledgement, Media
from app.services.content import acknowledgement as ack
from app.services.content import learning
from app.services.content.audience import find_course, find_sop_module
from app.services.content.lesson_page import lesson_page
from app.services.errors import DomainError
from tests.learning_factories import (
    make_course,
    make_sop,
    person,
    republish,
    republish_sop,
)


def _slugs(user) -> list[str]:
    return [card.course.slug for card in learning.course_cards(user)]


def _video() -> int:
    media = Media(kind="video", original_name="课程.mp4", stored_name="video-test.mp4",
                  mime="video/mp4", size=1, sha256="0" * 64)
    db.session.add(media)
    db.session.flush()
    return media.id


# ---- audience ----------------------------------------------------------------------------------

def test_content_without_audience_is_meant_for_everyone(demo):
    make_course("for-all")
    make_sop("sop-for-all")
    for login in ("employee", "10006", "supervisor", "admin"):
        assert _slugs(person(login)) == ["for-all"]
        assert [c.module.slug for c in ack.sop_cards(person(login))] == ["sop-for-all"]


def test_audience_by_position(demo):
    make_course("for-service", positions=("客服",))
    make_sop("sop-for-service", positions=("客服",))
    assert _slugs(person("employee")) == ["for-service"]  # 客服
    assert _slugs(person("10006")) == []  # 前台
    assert find_sop_module(person("10005"), "sop-for-service") is not None
    assert find_sop_module(person("10006"), "sop-for-service") is None


def test_audience_by_department_includes_sub_departments_not_parents(demo):
    make_course("for-service-centre", departments=("客服中心",))
    make_course("for-ward", departments=("病房护理组",))
    assert _slugs(person("employee")) == ["for-service-centre"]  # 客服中心/网络咨询组
    assert _slugs(person("10009")) == ["for-ward"]  # 整形外科/病房护理组
    assert _slugs(person("10007")) == []  # 整形外科: the parent of 病房护理组
    assert _slugs(person("supervisor")) == []  # leads 客服中心 but works in 整形外科


def test_position_or_department_is_enough(demo):
    make_course("mixed", positions=("前台",), departments=("整形外科",))
    assert _slugs(person("10006")) == ["mixed"]  # 前台 by position
    assert _slugs(person("10009")) == ["mixed"]  # 病房护理组, below 整形外科
    assert _slugs(person("employee")) == []


def test_someone_without_department_or_position_sees_only_content_for_everyone(demo):
    make_course("for-all")
    make_course("for-service", positions=("客服",))
    nobody = person("10012")
    nobody.department_id = nobody.position_id = None
    db.session.commit()
    assert _slugs(nobody) == ["for-all"]


def test_archived_and_unpublished_content_is_meant_for_nobody(demo):
    make_course("draft", publish=False)
    archived = make_course("archived")
    archived.archived = True
    make_sop("sop-draft", publish=False)
    db.session.commit()
    employee = person("employee")
    assert _slugs(employee) == []
    assert find_course(employee, "draft") is None and find_course(employee, "archived") is None
    assert find_sop_module(employee, "sop-draft") is None


# ---- progress ----------------------------------------------------------------------------------

def _complete(user, slug: str, key: str):
    course, version = find_course(user, slug)
    return learning.record_progress(user, course, version, learning.find_lesson(version, key),
                                    "complete")


def test_progress_counts_only_lessons_of_the_latest_version(demo):
    employee = person("employee")
    course = make_course("c", [("a", "A", "x"), ("b", "B", "x"), ("c", "C", "x")])
    _complete(employee, "c", "a")
    _complete(employee, "c", "b")
    card = learning.course_cards(employee)[0]
    assert (card.done, card.total, card.percent, card.completed) == (2, 3, 66, False)

    republish(course, [("a", "A", "x"), ("c", "C", "x"), ("d", "D", "new")])  # b removed
    card = learning.course_cards(employee)[0]
    assert (card.version.number, card.done, card.total, card.percent) == (2, 1, 3, 33)

    for key in ("c", "d"):
        _complete(employee, "c", key)
    card = learning.course_cards(employee)[0]
    assert (card.done, card.total, card.percent, card.completed) == (3, 3, 100, True)
    assert learning.course_cards(person("10005"))[0].done == 0  # progress is per person


def test_course_outline_resumes_at_the_last_opened_unfinished_lesson(demo):
    employee = person("employee")
    make_course("c", [("a", "A", "x"), ("b", "B", "x"), ("c", "C", "x")])
    course, version = find_course(employee, "c")
    outline = learning.course_outline(employee, course, version)
    assert (outline.started, outline.resume.key) == (False, "a")

    lesson_page(employee, course, version, "c")
    lesson_page(employee, course, version, "b")
    assert learning.course_outline(employee, course, version).resume.key == "b"
    _complete(employee, "c", "b")
    outline = learning.course_outline(employee, course, version)
    assert (outline.started, outline.resume.key) == (True, "c")
    assert [item.done for item in outline.lessons] == [False, True, False]
    _complete(employee, "c", "c")
    assert learning.course_outline(employee, course, version).resume.key == "a"
    _complete(employee, "c", "a")
    assert learning.course_outline(employee, course, version).resume is None


def test_lesson_page_records_the_version_and_neighbours(demo):
    employee = person("employee")
    make_course("c", [("a", "A", "x"), ("b", "B", "x")])
    course, version = find_course(employee, "c")
    page = lesson_page(employee, course, version, "b")
    assert (page.index, page.total, page.previous.key, page.next) == (1, 2, "a", None)
    assert page.progress.version_id == version.id and page.progress.completed_at is None
    assert lesson_page(employee, course, version, "missing") is None


def _report(user, slug, key, event, **numbers):
    course, version = find_course(user, slug)
    return learning.record_progress(user, course, version, learning.find_lesson(version, key),
                                    event, numbers.get("position"), numbers.get("duration"))


def test_reading_to_the_end_completes_a_text_lesson_once(demo):
    employee = person("employee")
    make_course("c", [("a", "A", "x")])
    row = _report(employee, "c", "a", "read_end")
    first = row.completed_at
    assert first is not None
    assert _report(employee, "c", "a", "read_end").completed_at == first
    assert _report(employee, "c", "a", "complete").completed_at == first


def test_a_video_lesson_completes_past_ninety_percent(demo):
    employee = person("employee")
    make_course("c", [("v", "视频课", "x", _video())])
    assert _report(employee, "c", "v", "read_end").completed_at is None  # must watch
    row = _report(employee, "c", "v", "media", position=89.9, duration=100)
    assert row.completed_at is None and row.media_position == pytest.approx(89.9)
    assert _report(employee, "c", "v", "media", position="90", duration="100").completed_at
    assert _report(employee, "c", "v", "media", position=10, duration=100).completed_at


@pytest.mark.parametrize("event,position,duration", [
    ("media", "nan", 100), ("media", -1, 100), ("media", 5, "inf"), ("media", None, 100),
    ("media", "abc", 100), ("hack", 0, 0), (None, 0, 0),
])
def test_invalid_progress_reports_are_refused(demo, event, position, duration):
    make_course("c", [("v", "视频课", "x", _video())])
    with pytest.raises(DomainError):
        _report(person("employee"), "c", "v", event, position=position, duration=duration)


# ---- acknowledgements --------------------------------------------------------------------------

def _ack(user, slug):
    module, version = find_sop_module(user, slug)
    return ack.acknowledge(user, module, version)


def test_acknowledgement_is_pinned_to_the_version_and_idempotent(demo):
    employee = person("employee")
    module = make_sop("s")
    assert ack.ack_state(employee, module.id).status == ack.AckStatus.UNCONFIRMED
    first = _ack(employee, "s")
    assert _ack(employee, "s").id == first.id
    db.session.commit()
    state = ack.ack_state(employee, module.id)
    assert (state.status, state.number, state.at) == (ack.AckStatus.CONFIRMED, 1,
                                                       first.acknowledged_at)
    assert db.session.scalar(select(Acknowledgement.version_id)) == find_sop_module(employee,
                                                                               "s")[1].id


def test_new_version_without_reack_keeps_confirmation_with_reack_asks_again(demo):
    employee = person("employee")
    module = make_sop("s")
    _ack(employee, "s")
    republish_sop(module, [{"key": "one", "title": "第一步（措辞调整）"}], "措辞", False)
    state = ack.ack_state(employee, module.id)
    assert (state.status, state.number) == (ack.AckStatus.CONFIRMED, 1)

    republish_sop(module, [{"key": "one", "title": "第一步：新规定"}], "新规定", True)
    state = ack.ack_state(employee, module.id)
    assert (state.status, state.number, state.reack_number) == (ack.AckStatus.REACK, 1, 3)
    assert [v.number for v in ack.changes_since(module.id, state.number)] == [3, 2]

    republish_sop(module, [{"key": "one", "title": "第一步：新规定（补充）"}], "补充", False)
    assert ack.ack_state(employee, module.id).status == ack.AckStatus.REACK
    _ack(employee, "s")  # acknowledges v4, which is newer than v3
    state = ack.ack_state(employee, module.id)
    assert (state.status, state.number) == (ack.AckStatus.CONFIRMED, 4)
    assert ack.ack_state(person("10005"), module.id).status == ack.AckStatus.UNCONFIRMED


def test_acknowledging_another_modules_version_is_refused(demo):
    employee = person("employee")
    make_sop("s1")
    make_sop("s2")
    module, _ = find_sop_module(employee, "s1")
    _, other_version = find_sop_module(employee, "s2")
    with pytest.raises(DomainError):
        ack.acknowledge(employee, module, other_version)


def test_statuses_of_many_modules_take_a_constant_number_of_statements(demo,
                                                                       count_statements):
    employee = person("employee")

    def measure() -> int:
        db.session.refresh(employee)  # the commits above expired it
        with count_statements() as counted:
            cards = ack.sop_cards(employee)
        assert cards
        return counted()

    for n in range(2):
        make_sop(f"s{n}")
    _ack(employee, "s0")
    few = measure()
    for n in range(2, 12):
        module = make_sop(f"s{n}")
        _ack(employee, f"s{n}")
        republish_sop(module, [{"key": "one", "title": "改"}], "改", n % 2 == 0)
    assert measure() == few == 3
