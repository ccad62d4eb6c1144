"""Authoring and versioning rules at the service level: slugs and keys, order, publishing,
status, history."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Course, CourseLesson, Media, Position, User
from app.services.content import authoring, history
from app.services.content import sop_authoring as sop
from app.services.content.kinds import COURSE, SOP_MODULE
from app.services.content.slugs import first_free
from app.services.content.working_copy import Upload, store_uploads
from app.services.errors import DomainError
from app.services.validation import clean_multiline
from tests.helpers import upload_settings


def _trainer() -> User:
    return db.session.scalar(select(User).where(User.login == "trainer"))


def _course(title: str = "私域运营入门", lessons: int = 2) -> Course:
    course = authoring.save_course(None, authoring.CourseData(title=title), _trainer())
    chapter = authoring.add_chapter(course, "第一章")
    for n in range(lessons):
        authoring.save_lesson(None, chapter, authoring.LessonData(f"第{n + 1}课", "正文\n"),
                              _trainer())
    return course


# ---- slugs and keys --------------------------------------------------------------------------

@pytest.mark.parametrize("title,taken,expected", [
    ("Private Domain 101", set(), "private-domain-101"),
    ("RFM 与复购", {"rfm"}, "rfm-yu-fu-gou"),
    ("RFM 进阶", {"rfm-jin-jie", "rfm-jin-jie-2"}, "rfm-jin-jie-3"),
    ("私域运营入门", set(), "si-yu-yun-ying-ru-men"),
    ("私域运营入门", {"si-yu-yun-ying-ru-men"}, "si-yu-yun-ying-ru-men-2"),
    ("ＷｅＣｏｍ 企业微信", set(), "wecom-qi-ye-wei-xin"),
    ("!!!", set(), "course-1"),
    ("2024", {"course-1", "course-2"}, "course-3"),
])
def test_slugs_and_keys_are_read_from_the_title_or_numbered(title, taken, expected):
    assert first_free(title, "course", taken) == expected


def test_course_slugs_are_unique_and_never_change(demo):
    first, second = _course("私域入门"), _course("私域进阶")
    assert (first.slug, second.slug) == ("si-yu-ru-men", "si-yu-jin-jie")
    authoring.save_course(first, authoring.CourseData(title="Private domain"), _trainer())
    assert first.slug == "si-yu-ru-men" and first.created_by_id == _trainer().id


def test_lesson_keys_are_unique_in_a_course_and_a_published_key_is_never_reused(demo):
    course = _course(lessons=2)
    chapter = course.chapters[0]
    assert [lesson.key for lesson in chapter.lessons] == ["di-1-ke", "di-2-ke"]  # 第1课, 第2课
    other = _course("另一门课", lessons=1)
    assert other.chapters[0].lessons[0].key == "di-1-ke"  # keys are per course
    history.publish(COURSE, course, _trainer(), "第一版")
    authoring.delete_lesson(chapter.lessons[1])
    added = authoring.save_lesson(None, chapter, authoring.LessonData("第2课", ""), _trainer())
    assert added.key == "di-2-ke-2"  # the published key of the deleted lesson is not reused
    authoring.save_lesson(added, chapter, authoring.LessonData("Renamed lesson", "x"), None)
    assert added.key == "di-2-ke-2"


# ---- validation ------------------------------------------------------------------------------

def test_texts_keep_their_lines_and_refuse_control_characters():
    kept = clean_multiline("一\r\n二\r三", field="body", label="正文", max_length=10)
    assert kept == "一\n二\n三"
    assert clean_multiline("  ", field="body", label="正文", max_length=10) is None
    with pytest.raises(DomainError) as refused:
        clean_multiline("a\x00b", field="body", label="正文", max_length=10)
    assert refused.value.field == "body"
    with pytest.raises(DomainError):
        clean_multiline("长" * 11, field="body", label="正文", max_length=10)


def test_unknown_audience_ids_and_bad_sort_orders_are_refused(demo):
    with pytest.raises(DomainError) as refused:
        authoring.save_course(None, authoring.CourseData(title="课", position_ids=[99999]), None)
    assert refused.value.field == "position_ids"
    with pytest.raises(DomainError) as refused:
        authoring.save_course(None, authoring.CourseData(title="课", sort_order=10**12), None)
    assert refused.value.field == "sort_order"


def test_a_lesson_cannot_move_to_a_chapter_of_another_course(demo):
    course, other = _course(), _course("另一门课")
    lesson = course.chapters[0].lessons[0]
    with pytest.raises(DomainError) as refused:
        authoring.save_lesson(lesson, lesson.chapter, authoring.LessonData(
            lesson.title, "", chapter_id=other.chapters[0].id), None)
    assert refused.value.field == "chapter_id"


def test_key_points_are_read_from_lines_and_written_back_the_same_way():
    text = "说明医生资质：执业医师，主诊医生、医生资质\n\n邀约到院:到院; 面诊\n只有要点"
    points = sop.parse_key_points(text)
    assert points == [
        {"point": "说明医生资质", "synonyms": ["执业医师", "主诊医生", "医生资质"]},
        {"point": "邀约到院", "synonyms": ["到院", "面诊"]},
        {"point": "只有要点", "synonyms": []},
    ]
    assert sop.parse_key_points(sop.format_key_points(points)) == points
    with pytest.raises(DomainError):
        sop.parse_key_points("：同义词")


def test_a_step_needs_a_known_evidence_type(demo):
    module = sop.save_sop_module(None, sop.SopModuleData(title="夜间咨询"), None)
    with pytest.raises(DomainError) as refused:
        sop.save_step(module, None, sop.StepData(title="回复", evidence_type="video"))
    assert refused.value.field == "evidence_type"


# ---- order -----------------------------------------------------------------------------------

def test_lessons_move_within_and_across_chapters_and_positions_stay_dense(demo):
    course = _course(lessons=2)
    first_chapter = course.chapters[0]
    second_chapter = authoring.add_chapter(course, "第二章")
    first, second = first_chapter.lessons
    authoring.move_lesson(first, "down")
    assert [lesson.key for lesson in first_chapter.lessons] == ["di-2-ke", "di-1-ke"]
    authoring.move_lesson(first, "down")  # past the end: first place of the next chapter
    assert [lesson.key for lesson in second_chapter.lessons] == ["di-1-ke"]
    assert [lesson.rank for lesson in first_chapter.lessons] == [0]
    authoring.move_lesson(first, "up")  # back: last place of the previous chapter
    assert [lesson.key for lesson in first_chapter.lessons] == ["di-2-ke", "di-1-ke"]
    assert [lesson.rank for lesson in first_chapter.lessons] == [0, 1]
    authoring.move_chapter(second_chapter, "up")
    assert [c.title for c in course.chapters] == ["第二章", "第一章"]
    assert second.chapter is first_chapter


def test_a_chapter_with_lessons_cannot_be_deleted(demo):
    course = _course(lessons=1)
    with pytest.raises(DomainError):
        authoring.delete_chapter(course.chapters[0])
    authoring.delete_lesson(course.chapters[0].lessons[0])
    authoring.delete_chapter(course.chapters[0])
    assert course.chapters == []


# ---- publishing, status and history ----------------------------------------------------------

def test_publishing_needs_a_change_note_and_a_change(demo):
    course = _course()
    with pytest.raises(DomainError) as refused:
        history.publish(COURSE, course, _trainer(), "  ")
    assert refused.value.field == "change_note"
    first = history.publish(COURSE, course, _trainer(), "第一版\n说明")
    assert first.number == 1 and first.change_note == "第一版\n说明"
    with pytest.raises(DomainError):
        history.publish(COURSE, course, _trainer(), "没有变化")


def test_a_publisher_beaten_to_the_version_number_is_told_and_nothing_is_half_written(
        demo, monkeypatch):
    """Two trainers publishing at once compute the same next number; the loser's version
    is refused by the unique number with a sentence, and the winner's stays."""
    from app.models import CourseVersion
    from app.services.content import publishing

    course = _course()
    history.publish(COURSE, course, _trainer(), "第一版")
    authoring.save_lesson(None, course.chapters[0], authoring.LessonData("新课", "x"), None)
    monkeypatch.setattr(publishing, "_next_number", lambda kind, item_id: 1)
    with pytest.raises(DomainError, match="同时|same moment"):
        history.publish(COURSE, course, _trainer(), "第二版")
    db.session.commit()
    assert [v.change_note for v in db.session.scalars(
        select(CourseVersion).where(CourseVersion.course_id == course.id))] == ["第一版"]


def test_a_published_version_reads_back_as_the_working_copy_it_froze(demo):
    course = _course()
    version = history.publish(COURSE, course, _trainer(), "第一版")
    assert COURSE.version_snapshot(version) == COURSE.snapshot(course)
    module = sop.save_sop_module(None, sop.SopModuleData(title="夜间咨询"), None)
    sop.save_step(module, None, sop.StepData(title="回复", script="{称呼}您好",
                                             key_points="问候：你好"))
    sop_version = history.publish(SOP_MODULE, module, None, "第一版", requires_reack=True)
    assert SOP_MODULE.version_snapshot(sop_version) == SOP_MODULE.snapshot(module)
    assert not sop_version.requires_reack  # nobody can have confirmed an earlier version


def test_status_goes_from_draft_to_published_to_changed(demo):
    course = _course()
    module = sop.save_sop_module(None, sop.SopModuleData(title="夜间咨询"), None)
    assert [s.state for s in history.overview(COURSE)] == ["draft"]
    assert [s.state for s in history.overview(SOP_MODULE)] == ["draft"]
    history.publish(COURSE, course, _trainer(), "第一版")
    (status,) = history.overview(COURSE)
    assert (status.state, status.latest) == ("published", 1)
    lesson = course.chapters[0].lessons[0]
    authoring.save_lesson(lesson, lesson.chapter, authoring.LessonData(lesson.title, "改了"),
                          None)
    assert history.overview(COURSE)[0].state == "changed"
    assert history.status(COURSE, course).state == "changed"
    assert module.id


def test_version_history_is_newest_first_with_the_publisher(demo):
    course = _course()
    history.publish(COURSE, course, None, "同步")
    authoring.save_course(course, authoring.CourseData(title="新标题"), None)
    history.publish(COURSE, course, _trainer(), "改标题")
    rows = history.versions(COURSE, course)
    assert [(r.number, r.publisher, r.change_note) for r in rows] == [
        (2, "林老师", "改标题"), (1, None, "同步")]
    comparison = history.compare(COURSE, course, None, None)
    assert (comparison.old.number, comparison.new.number) == (1, 2)
    assert [c.name for c in comparison.diff.changes] == ["title"]
    assert history.compare(COURSE, course, 2, 1).diff.changes[0].lines[0].text == "新标题"


def test_sop_versions_record_requires_reacknowledgement(demo):
    nurse = db.session.scalar(select(Position.id).where(Position.name == "护士"))
    module = sop.save_sop_module(None, sop.SopModuleData(title="术后回访", owner_position_id=nurse),
                             None)
    step = sop.save_step(module, None, sop.StepData(title="24小时回访", timing="离院后24小时内"))
    history.publish(SOP_MODULE, module, _trainer(), "第一版", False)
    sop.save_step(module, step, sop.StepData(title="12小时回访", timing="离院后12小时内"))
    history.publish(SOP_MODULE, module, _trainer(), "提前回访", True)
    assert [r.requires_reack for r in history.versions(SOP_MODULE, module)] == [True, False]
    assert history.pending_changes(SOP_MODULE, module).is_empty


# ---- uploads ---------------------------------------------------------------------------------

def test_a_refused_upload_removes_the_files_saved_before_it(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    good = Upload("video_file", "video", io.BytesIO(b"\x00\x00\x00\x18ftypmp42"), "a.mp4")
    bad = Upload("pdf_file", "pdf", io.BytesIO(b"not a pdf"), "b.pdf")
    with pytest.raises(DomainError) as refused:
        store_uploads([good, bad], None, upload_settings())
    assert refused.value.field == "pdf_file"
    db.session.rollback()
    assert list(tmp_path.iterdir()) == []
    assert db.session.scalar(select(Media)) is None
    assert db.session.scalar(select(CourseLesson)) is None
