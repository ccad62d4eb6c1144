"""What a trainer does in the browser: write a course and an SOP module, publish, revise,
compare versions. Chinese pages are checked through data and status codes; English text only
after switching the language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Course, CourseVersion, SopModule, SopVersion
from tests.naughty import representative
from tests.web.authoring_helpers import (
    add_chapter,
    add_lesson,
    add_step,
    count,
    create_course,
    create_sop,
    edit_lesson,
    newest,
    publish_course,
    step_form,
)


@pytest.fixture
def trainer(client, auth, demo):
    auth.as_role("trainer")
    return client


def _english(client) -> None:
    client.post("/auth/language", data={"lang": "en"})


def _versions(model, **where) -> list:
    db.session.expire_all()
    return list(db.session.scalars(select(model).filter_by(**where).order_by(model.number)))


def _course_with_two_lessons(client) -> tuple[Course, list]:
    course = create_course(client)
    chapter = add_chapter(client, course.id)
    lessons = [
        add_lesson(client, chapter.id, "什么是私域",
                   "## 定义\n私域是机构自己的客户池。\n可以反复触达。\n"),
        add_lesson(client, chapter.id, "为什么是现在", "获客成本越来越高。\n"),
    ]
    return course, lessons


# ---- courses ---------------------------------------------------------------------------------

def test_trainer_writes_publishes_revises_and_compares_a_course(trainer):
    course, (first, second) = _course_with_two_lessons(trainer)
    assert course.slug == "si-yu-yun-ying-ru-men" and course.source == "web"
    assert first.key == "shen-me-shi-si-yu" and second.key == "wei-shen-me-shi-xian-zai"

    assert publish_course(trainer, course.id, "首次发布").status_code == 302
    v1 = _versions(CourseVersion, course_id=course.id)
    assert [v.number for v in v1] == [1] and [lesson.key for lesson in v1[0].lessons] == [
        first.key, second.key]

    body = first.body.replace("可以反复触达。", "可以低成本地反复触达。")
    assert edit_lesson(trainer, first, body=body).status_code == 302
    index = trainer.get("/manage/").text
    assert 'data-status="changed"' in index

    assert publish_course(trainer, course.id, "补充触达成本").status_code == 302
    v2 = _versions(CourseVersion, course_id=course.id)[-1]
    assert v2.number == 2 and v2.change_note == "补充触达成本"
    assert v2.lessons[0].body == body and v2.lessons[0].key == first.key

    page = trainer.get(f"/manage/courses/{course.id}/diff?old=1&new=2")
    assert page.status_code == 200
    assert re.search(r'class="diff-line added">.*?可以低成本地反复触达。', page.text)
    assert re.search(r'class="diff-line removed">.*?可以反复触达。', page.text)
    assert 'data-key="shen-me-shi-si-yu" data-diff-status="changed"' in page.text
    assert 'data-diff-status="unchanged"' not in page.text  # lesson-2 is only listed


def test_versions_page_lists_number_note_and_publisher(trainer):
    course, _lessons = _course_with_two_lessons(trainer)
    publish_course(trainer, course.id, "首次发布")
    page = trainer.get(f"/manage/courses/{course.id}/versions")
    assert page.status_code == 200
    assert 'data-version="1"' in page.text and "首次发布" in page.text and "林老师" in page.text


def test_publishing_without_a_change_is_refused_with_a_message(trainer):
    course, _lessons = _course_with_two_lessons(trainer)
    publish_course(trainer, course.id)
    _english(trainer)
    again = publish_course(trainer, course.id, "再发一次")
    assert again.status_code == 200
    assert "Nothing has changed since version 1." in again.text
    assert len(_versions(CourseVersion, course_id=course.id)) == 1


def test_a_change_note_is_required(trainer):
    course, _lessons = _course_with_two_lessons(trainer)
    _english(trainer)
    page = publish_course(trainer, course.id, "   ")
    assert "Change note is required." in page.text
    assert _versions(CourseVersion, course_id=course.id) == []


def test_course_details_audience_and_a_readable_editable_address(trainer):
    from app.models import Position

    nurse = db.session.scalar(select(Position.id).where(Position.name == "护士"))
    course = create_course(trainer, "RFM 与复购", position_ids=[nurse], sort_order=5)
    assert course.slug == "rfm-yu-fu-gou" and [p.name for p in course.positions] == ["护士"]
    assert create_course(trainer, "RFM 与复购").slug == "rfm-yu-fu-gou-2"
    form = trainer.get(f"/manage/courses/{course.id}/edit").text
    assert 'name="slug"' in form and 'value="rfm-yu-fu-gou"' in form
    edit = {"title": "RFM 与复购（新版）", "summary": "第一行\n第二行", "sort_order": 5,
            "position_ids": []}
    for bad in ("RFM", "fu gou", "rfm-yu-fu-gou-2", "复购"):  # not a-z0-9-, or taken
        refused = trainer.post(f"/manage/courses/{course.id}/edit", data={**edit, "slug": bad},
                               content_type="multipart/form-data")
        assert refused.status_code == 200 and 'class="field has-error"' in refused.text
    response = trainer.post(f"/manage/courses/{course.id}/edit", data={**edit, "slug": ""},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    course = db.session.get(Course, course.id)
    assert course.slug == "rfm-yu-fu-gou" and course.positions == []  # blank keeps it
    assert course.summary == "第一行\n第二行"
    trainer.post(f"/manage/courses/{course.id}/edit", data={**edit, "slug": "rfm-2026"},
                 content_type="multipart/form-data")
    db.session.expire_all()
    assert db.session.get(Course, course.id).slug == "rfm-2026"


def test_chapters_and_lessons_can_be_renamed_reordered_moved_and_deleted(trainer):
    course, (first, second) = _course_with_two_lessons(trainer)
    other = add_chapter(trainer, course.id, "第二章")
    trainer.post(f"/manage/lessons/{second.id}/move", data={"direction": "up"})
    assert [lesson.key for lesson in newest(Course).chapters[0].lessons] == [second.key,
                                                                             first.key]
    trainer.post(f"/manage/lessons/{first.id}/move", data={"direction": "down"})  # next chapter
    chapters = db.session.get(Course, course.id).chapters
    assert [lesson.key for lesson in chapters[1].lessons] == [first.key]
    trainer.post(f"/manage/chapters/{other.id}/move", data={"direction": "up"})
    assert [c.title for c in db.session.get(Course, course.id).chapters] == ["第二章",
                                                                            "第一章 认识私域"]
    trainer.post(f"/manage/chapters/{other.id}/edit", data={"title": "第零章"})
    assert db.session.get(type(other), other.id).title == "第零章"
    trainer.post(f"/manage/chapters/{other.id}/delete", data={"confirm": "yes"})  # has a lesson
    assert count(type(other)) == 2
    trainer.post(f"/manage/lessons/{first.id}/delete", data={"confirm": "yes"})
    trainer.post(f"/manage/chapters/{other.id}/delete", data={"confirm": "yes"})
    assert count(type(other)) == 1 and count(type(first)) == 1


def test_a_bare_post_deletes_nothing(trainer):
    course, (first, _second) = _course_with_two_lessons(trainer)
    assert trainer.post(f"/manage/lessons/{first.id}/delete", data={}).status_code == 302
    assert count(type(first)) == 2


def test_archive_and_restore(trainer):
    course = create_course(trainer)
    trainer.post(f"/manage/courses/{course.id}/archive", data={"archived": "1"})
    assert db.session.get(Course, course.id).archived
    assert 'data-status="archived"' in trainer.get("/manage/").text
    trainer.post(f"/manage/courses/{course.id}/archive", data={"archived": "0"})
    assert not db.session.get(Course, course.id).archived


def test_synced_content_shows_that_the_next_sync_overwrites_it(trainer):
    course = Course(slug="client-journey", title="客户旅程", source="file")
    module = SopModule(slug="night-follow-up", title="夜间咨询跟进", source="file")
    db.session.add_all([course, module])
    db.session.commit()
    for url in (f"/manage/courses/{course.id}", f"/manage/courses/{course.id}/edit",
                f"/manage/sop/{module.id}", f"/manage/courses/{course.id}/publish"):
        page = trainer.get(url)
        assert page.status_code == 200 and 'data-testid="file-notice"' in page.text, url
    assert "courses/client-journey/" in trainer.get(f"/manage/courses/{course.id}").text


def test_index_lists_courses_and_modules_with_their_status(trainer):
    draft = create_course(trainer, "草稿课程")
    course, _lessons = _course_with_two_lessons(trainer)
    publish_course(trainer, course.id)
    module = create_sop(trainer)
    page = trainer.get("/manage/").text
    assert "草稿课程" in page and module.title in page
    assert page.count('data-status="draft"') == 2 and page.count('data-status="published"') == 1
    assert draft.id != course.id


@pytest.mark.parametrize("role", ["employee", "supervisor"])
def test_employees_and_supervisors_cannot_author(client, auth, demo, role):
    auth.as_role("trainer")
    course, (lesson, _second) = _course_with_two_lessons(client)
    auth.logout()
    auth.as_role(role)
    assert client.get("/manage/").status_code == 403
    assert client.get("/manage/courses/new").status_code == 403
    assert client.post("/manage/courses/new", data={"title": "偷偷建课"}).status_code == 403
    assert client.post(f"/manage/courses/{course.id}/publish",
                       data={"change_note": "x"}).status_code == 403
    assert edit_lesson(client, lesson, body="改了").status_code == 403
    assert client.post("/manage/preview", data={"text": "# hi"}).status_code == 403
    assert count(Course) == 1 and _versions(CourseVersion, course_id=course.id) == []


# ---- SOP modules -----------------------------------------------------------------------------

def test_sop_module_authoring_and_publish_with_reacknowledgement(trainer):
    from app.models import Position

    service = db.session.scalar(select(Position.id).where(Position.name == "客服"))
    module = create_sop(trainer, owner_position_id=service, purpose="把线上咨询转为到院。")
    assert module.slug == "xian-shang-zi-xun-dao-shou-ci-dao-yuan-yao-yue"
    assert module.owner_position_id == service
    first = add_step(trainer, module.id, "三分钟内首次回复", responsible_position_id=service,
                     timing="收到咨询后3分钟内", evidence_type="text",
                     evidence_hint="记录咨询项目和渠道",
                     script="{客户称呼}您好，我是{机构名称}的客服。",
                     key_points="说明医生资质：执业医师，主诊医生\n邀约到院")
    add_step(trainer, module.id, "到院前一天提醒", timing="到院前一天")
    assert first.key == "san-fen-zhong-nei-shou-ci-hui-fu"  # read from the title
    assert first.key_points == [{"point": "说明医生资质", "synonyms": ["执业医师", "主诊医生"]},
                                {"point": "邀约到院", "synonyms": []}]
    page = trainer.get(f"/manage/sop/{module.id}").text
    assert '<mark class="placeholder">{客户称呼}</mark>' in page

    trainer.post(f"/manage/sop/{module.id}/publish", data={"change_note": "首次发布"})
    trainer.post(f"/manage/steps/{first.id}/edit",
                 data=step_form("两分钟内首次回复", evidence_type="text",
                                key_points="说明医生资质：执业医师"))
    response = trainer.post(f"/manage/sop/{module.id}/publish",
                            data={"change_note": "回复时限缩短", "requires_reack": "y"})
    assert response.status_code == 302
    v1, v2 = _versions(SopVersion, module_id=module.id)
    assert not v1.requires_reack and v2.requires_reack and v2.change_note == "回复时限缩短"
    assert v2.steps[0].title == "两分钟内首次回复" and v2.steps[0].key == first.key
    diff = trainer.get(f"/manage/sop/{module.id}/diff").text
    assert re.search(r'class="diff-line added">.*?两分钟内首次回复', diff)


def test_sop_step_form_refuses_bad_input_and_keeps_nothing(trainer):
    module = create_sop(trainer)
    _english(trainer)
    page = trainer.post(f"/manage/sop/{module.id}/steps/new",
                        data=step_form("步骤", timing="很" * 101))
    assert page.status_code == 200 and "at most 100 characters" in page.text
    page = trainer.post(f"/manage/sop/{module.id}/steps/new",
                        data=step_form("步骤", key_points="：只有同义词"))
    assert "Line 1 of the key points" in page.text
    assert db.session.get(SopModule, module.id).steps == []


def test_steps_reorder_and_delete(trainer):
    module = create_sop(trainer)
    first = add_step(trainer, module.id, "第一步")
    second = add_step(trainer, module.id, "第二步")
    trainer.post(f"/manage/steps/{second.id}/move", data={"direction": "up"})
    assert [s.title for s in db.session.get(SopModule, module.id).steps] == ["第二步", "第一步"]
    trainer.post(f"/manage/steps/{first.id}/delete", data={"confirm": "yes"})
    assert [s.key for s in db.session.get(SopModule, module.id).steps] == ["di-er-bu"]
    third = add_step(trainer, module.id, "第一步")
    assert third.key == "di-yi-bu"  # never published, so the old key is free again


def test_a_deleted_step_key_that_was_published_is_never_reused(trainer):
    module = create_sop(trainer)
    first = add_step(trainer, module.id, "第一步")
    add_step(trainer, module.id, "第二步")
    trainer.post(f"/manage/sop/{module.id}/publish", data={"change_note": "v1"})
    trainer.post(f"/manage/steps/{first.id}/delete", data={"confirm": "yes"})
    assert add_step(trainer, module.id, "第一步").key == "di-yi-bu-2"


# ---- naughty strings -------------------------------------------------------------------------

@pytest.fixture
def blns(shared_dir) -> list[str]:
    import json

    path = shared_dir / "testdata/blns/blns.json"
    if not path.is_file():
        pytest.skip("testdata/blns is absent from ../shared: the naughty strings are not there")
    return representative(json.loads(path.read_text(encoding="utf-8")))


def _refused_with_a_message(page) -> bool:
    return page.status_code == 200 and 'class="form-error"' in page.text


def _documented_refusal(s: str, max_length: int | None, required: bool = True) -> bool:
    import unicodedata

    if s.strip() == "":
        return required
    invisible = any(unicodedata.category(ch) in {"Cc", "Cs"} and ch not in "\n\t\r"
                    for ch in s) if max_length is None else any(
        unicodedata.category(ch) in {"Cc", "Cs"} for ch in s)
    return invisible or (max_length is not None and len(s) > max_length)


def test_every_naughty_string_as_a_course_title_and_a_lesson_text(trainer, blns):
    """Stored exactly (a text's line ends as "\\n") or refused with a message; never a 500."""
    course, (lesson, _second) = _course_with_two_lessons(trainer)
    problems = []
    for i, s in enumerate(blns):
        page = trainer.post(f"/manage/courses/{course.id}/edit", data={"title": s})
        if page.status_code == 302:
            if db.session.get(Course, course.id).title != s:
                problems.append(("title stored differently", s))
        elif not (_refused_with_a_message(page) and _documented_refusal(s, 200)):
            problems.append(("title", page.status_code, s))
        page = edit_lesson(trainer, lesson, title="课时", body=s)
        db.session.expire_all()
        stored = db.session.get(type(lesson), lesson.id).body
        expected = s.replace("\r\n", "\n").replace("\r", "\n")
        if page.status_code == 302:
            if stored != (expected if expected.strip() else ""):
                problems.append(("body stored differently", s))
        elif not (_refused_with_a_message(page) and _documented_refusal(s, None, False)):
            problems.append(("body", page.status_code, s))
        if i % 10 == 9:  # each save leaves a "Saved." message: drop them before the cookie swells
            with trainer.session_transaction() as session:
                session.pop("_flashes", None)
    assert not problems, problems[:10]
    assert trainer.get(f"/manage/courses/{course.id}/diff").status_code == 200


def test_every_naughty_string_in_the_step_form(trainer, blns):
    """Title, timing and script are stored exactly or refused for a documented reason; key
    points (parsed from lines) are stored or refused with a message; never a 500."""
    module = create_sop(trainer)
    step = add_step(trainer, module.id, "第一步")
    problems = []
    fields = (("title", 200), ("timing", 100), ("script", None), ("key_points", None))
    for s in blns:
        # First all four fields at once: when that is accepted and stored exactly, each field
        # alone would be too (they are checked independently), so one request suffices.
        together = trainer.post(f"/manage/steps/{step.id}/edit",
                                data={**step_form("第一步"), **{f: s for f, _ in fields}})
        db.session.expire_all()
        saved = db.session.get(type(step), step.id)
        if together.status_code == 302 and all(
            getattr(saved, f) == (s if limit else s.replace("\r\n", "\n").replace("\r", "\n"))
            for f, limit in fields[:3]
        ):
            continue
        for field, limit in fields:
            page = trainer.post(f"/manage/steps/{step.id}/edit",
                                data={**step_form("第一步"), field: s})
            db.session.expire_all()
            stored = getattr(db.session.get(type(step), step.id), field)
            typed = s if limit else s.replace("\r\n", "\n").replace("\r", "\n")
            if page.status_code == 302:
                if field != "key_points" and stored != (typed if typed.strip() else ""):
                    problems.append((field, "stored differently", s))
            elif not _refused_with_a_message(page):
                problems.append((field, page.status_code, s))
            elif field != "key_points" and not _documented_refusal(s, limit, field == "title"):
                problems.append((field, "refused", s))
        with trainer.session_transaction() as session:
            session.pop("_flashes", None)
    assert not problems, problems[:10]
    assert trainer.get(f"/manage/sop/{module.id}").status_code == 200
