"""The learner's pages: 我的学习, course outline, lessons and their progress endpoint, SOP reading
and 阅读并确认, search; what an employee may not see; statements per page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Acknowledgement, LessonProgress, Media
from tests.helpers import upload_settings
from tests.learning_factories import (
    make_course,
    make_sop,
    person,
    republish,
    republish_sop,
    sync_shipped,
)


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def _progress(key: str) -> LessonProgress | None:
    db.session.expire_all()
    return db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_key == key))


def _video() -> int:
    media = Media(kind="video", original_name="课程.mp4", stored_name="video-page.mp4",
                  mime="video/mp4", size=1, sha256="0" * 64)
    db.session.add(media)
    db.session.commit()
    return media.id


# ---- 我的学习 ----------------------------------------------------------------------------------

def test_home_lists_courses_with_progress_and_sops_with_status(employee):
    make_course("c1", [("a", "A", "x"), ("b", "B", "x")], title="私域入门")
    make_course("c2", [("a", "A", "x")], title="会员积分")
    make_course("front-only", positions=("前台",), title="前台专用课")
    make_sop("s-new", title="新 SOP")
    module = make_sop("s-changed", title="改版 SOP")
    employee.post("/learn/courses/c1/a/progress", data={"event": "complete"})
    employee.post("/learn/courses/c2/a/progress", data={"event": "complete"})
    employee.post("/learn/sop/s-changed/acknowledge", data={"version": 1})
    republish_sop(module, [{"key": "one", "title": "新规定"}], "新规定", requires_reack=True)

    page = employee.get("/learn/")
    assert page.status_code == 200
    assert 'data-testid="home-employee"' in page.text
    assert "私域入门" in page.text and "会员积分" in page.text and "前台专用课" not in page.text
    assert '<progress max="100" value="50"' in page.text
    assert page.text.count('data-testid="course-completed"') == 1
    assert 'data-ack-status="unconfirmed"' in page.text
    assert 'data-ack-status="reack"' in page.text
    assert re.search(r'class="tile attention" href="/learn/sop/s-changed"', page.text)
    assert 'action="/learn/search"' in page.text


def test_home_runs_a_constant_number_of_statements(employee, count_statements):
    def measure() -> int:
        with count_statements() as counted:
            response = employee.get("/learn/")
        assert response.status_code == 200
        return counted()

    for n in range(2):
        make_course(f"c{n}", [("a", "A", "x"), ("b", "B", "x")])
        make_sop(f"s{n}")
    employee.post("/learn/courses/c0/a/progress", data={"event": "complete"})
    few = measure()
    for n in range(2, 20):
        make_course(f"c{n}", [("a", "A", "x"), ("b", "B", "x")])
        make_sop(f"s{n}")
        employee.post(f"/learn/courses/c{n}/a/progress", data={"event": "complete"})
        employee.post(f"/learn/sop/s{n}/acknowledge", data={"version": 1})
    many = measure()
    assert employee.get("/learn/").text.count('data-testid="course-card"') == 20
    assert many == few  # 10 when written: user 2, courses 3, SOP modules 3, the header 2


# ---- course and lesson pages -------------------------------------------------------------------

def test_course_page_offers_start_then_continue_at_the_last_opened_lesson(employee):
    make_course("c", [("a", "A", "x"), ("b", "B", "x"), ("c", "C", "x")])
    page = employee.get("/learn/courses/c").text
    assert re.search(r'data-testid="resume" href="/learn/courses/c/a"', page)
    employee.get("/learn/courses/c/c")
    employee.get("/learn/courses/c/b")
    employee.post("/learn/courses/c/a/progress", data={"event": "complete"})
    page = employee.get("/learn/courses/c").text
    assert re.search(r'data-testid="resume" href="/learn/courses/c/b"', page)
    assert 'data-lesson="a" data-done="true"' in page
    assert 'data-lesson="b" data-done="false"' in page


def test_lesson_page_renders_markdown_media_and_neighbours(employee):
    video = _video()
    make_course("c", [("a", "A", "x"), ("b", "第二课", "## 小标题\n\n**重点**", video),
                      ("c", "C", "x")])
    page = employee.get("/learn/courses/c/b")
    assert page.status_code == 200
    assert "<h2>小标题</h2>" in page.text and "<strong>重点</strong>" in page.text
    assert '<video class="player" controls preload="metadata"' in page.text
    assert f'src="/media/{video}"' in page.text
    assert 'rel="prev" href="/learn/courses/c/a"' in page.text
    assert 'rel="next" href="/learn/courses/c/c"' in page.text
    assert '<meta name="csrf-token" content="' in page.text
    assert "/static/js/lesson.js" in page.text and "data-lesson-end" in page.text
    assert _progress("b").opened_at is not None and _progress("b").completed_at is None


def test_a_lesson_view_reads_two_statements_and_writes_only_when_resume_moves(
        employee, count_statements):
    make_course("c", [("a", "A", "x"), ("b", "B", "x"), ("c", "C", "x")])

    pages = []

    def view(key: str) -> int:
        with count_statements() as counted:
            response = employee.get(f"/learn/courses/c/{key}")
        assert response.status_code == 200 and 'data-testid="lesson-page"' in response.text
        pages.append(re.sub(r'(csrf[-_]token" (?:content|value))="[^"]*"', r"\1", response.text))
        return counted()

    def resume() -> str:
        page = employee.get("/learn/courses/c").text
        return re.search(r'data-testid="resume" href="/learn/courses/c/(\w)"', page).group(1)

    # user ⋈ device ⟕ roles with the bell's count; the course meant for them ⋈ its lessons ⟕
    # progress: no write, no commit (3 before session 11, 4 before session 10, 14 before
    # issue 15). A view that writes counts the bell again after its write (it could have
    # changed): the write and the count, +2.
    assert view("a") == 4  # the first open adds the row (INSERT … RETURNING): started
    first = _progress("a").opened_at
    assert view("a") == 2 and _progress("a").opened_at == first
    assert pages[0] == pages[1]  # rendered before the first open's commit: the same page
    assert view("b") == 4 and resume() == "b"
    assert view("b") == 2
    assert view("a") == 4 and resume() == "a"  # back to a: 继续学习 moves, so it is written
    assert view("a") == 2 and _progress("a").opened_at > first
    employee.post("/learn/courses/c/a/progress", data={"event": "complete"})
    assert view("a") == 2 and resume() == "b"  # a finished lesson reread moves nothing


def test_reading_to_the_end_completes_the_lesson(employee):
    make_course("c", [("a", "A", "x"), ("b", "B", "x")])
    employee.get("/learn/courses/c/a")
    response = employee.post("/learn/courses/c/a/progress", json={"event": "read_end"})
    assert response.status_code == 200 and response.json["completed"] is True
    first = _progress("a").completed_at
    again = employee.post("/learn/courses/c/a/progress", json={"event": "read_end"})
    assert again.json["completed"] is True and _progress("a").completed_at == first
    assert 'data-testid="lesson-done"' in employee.get("/learn/courses/c/a").text
    assert '<progress max="100" value="50"' in employee.get("/learn/courses/c").text


def test_video_completes_only_past_ninety_percent(employee):
    make_course("c", [("v", "视频课", "x", _video())])
    url = "/learn/courses/c/v/progress"
    assert employee.post(url, json={"event": "read_end"}).json["completed"] is False
    below = employee.post(url, json={"event": "media", "position": 80, "duration": 100})
    assert below.json == {"completed": False, "position": 80.0}
    assert _progress("v").completed_at is None
    above = employee.post(url, json={"event": "media", "position": 91, "duration": 100})
    assert above.json["completed"] is True and _progress("v").completed_at is not None
    assert 'data-start="91.0"' in employee.get("/learn/courses/c/v").text


def test_bad_progress_reports_are_refused(employee):
    make_course("c", [("a", "A", "x")])
    url = "/learn/courses/c/a/progress"
    assert employee.post(url, json={"event": "media", "position": "x"}).status_code == 400
    assert employee.post(url, json=["not", "an", "object"]).status_code == 400
    assert employee.post(url, data={}).status_code == 302  # the form: back, with a message
    assert _progress("a") is None
    assert employee.post("/learn/courses/c/zzz/progress", json={"event": "complete"}) \
        .status_code == 404


def test_the_mark_as_finished_button_works_without_javascript(employee):
    make_course("c", [("a", "A", "x")])
    page = employee.get("/learn/courses/c/a").text
    assert 'data-testid="mark-done"' in page and 'name="event" value="complete"' in page
    response = employee.post("/learn/courses/c/a/progress", data={"event": "complete"})
    assert response.status_code == 302 and response.location.endswith("/learn/courses/c/a")
    assert _progress("a").completed_at is not None


def test_a_lesson_removed_in_the_latest_version_is_gone(employee):
    course = make_course("c", [("a", "A", "x"), ("b", "B", "x")])
    employee.post("/learn/courses/c/b/progress", data={"event": "complete"})
    republish(course, [("a", "A", "x"), ("n", "新课", "x")])
    assert employee.get("/learn/courses/c/b").status_code == 404
    assert employee.get("/learn/courses/c/n").status_code == 200
    assert '<progress max="100" value="0"' in employee.get("/learn/courses/c").text


def test_employee_cannot_open_archived_unpublished_or_others_content(employee):
    make_course("draft", publish=False)
    archived = make_course("archived")
    archived.archived = True
    make_course("front", positions=("前台",))
    make_sop("sop-draft", publish=False)
    old_sop = make_sop("sop-archived")
    old_sop.archived = True
    db.session.commit()
    for slug in ("draft", "archived", "front", "missing"):
        assert employee.get(f"/learn/courses/{slug}").status_code == 404
        assert employee.get(f"/learn/courses/{slug}/intro").status_code == 404
        assert employee.post(f"/learn/courses/{slug}/intro/progress",
                             json={"event": "complete"}).status_code == 404
    for slug in ("sop-draft", "sop-archived", "missing"):
        assert employee.get(f"/learn/sop/{slug}").status_code == 404
        assert employee.post(f"/learn/sop/{slug}/acknowledge",
                             data={"version": 1}).status_code == 404
    page = employee.get("/learn/").text
    assert "/learn/courses/archived" not in page and "/learn/sop/sop-archived" not in page
    assert db.session.scalar(select(LessonProgress.id)) is None


# ---- SOP pages ---------------------------------------------------------------------------------

STEP = {"key": "reply", "title": "三分钟内回复", "instructions": "**要做：** 先问候",
        "script": "{客户称呼}您好，我是{员工姓名}", "timing": "收到咨询后3分钟内",
        "evidence_type": "text", "evidence_hint": "记录咨询项目"}


def test_sop_page_shows_steps_and_acknowledges_the_version(employee):
    make_sop("s", [STEP], purpose="解决**首次回复**慢的问题", positions=("客服",))
    page = employee.get("/learn/sop/s").text
    assert "<strong>首次回复</strong>" in page and "三分钟内回复" in page
    assert '<mark class="placeholder">{客户称呼}</mark>' in page
    assert "收到咨询后3分钟内" in page and "记录咨询项目" in page
    assert 'data-testid="acknowledge"' in page and 'name="version" value="1"' in page

    response = employee.post("/learn/sop/s/acknowledge", data={"version": 1})
    assert response.status_code == 302
    employee.post("/learn/sop/s/acknowledge", data={"version": 1})  # a double tap
    acks = db.session.scalars(select(Acknowledgement)).all()
    assert len(acks) == 1 and acks[0].user_id == person("employee").id
    page = employee.get("/learn/sop/s").text
    assert 'data-testid="ack-done"' in page and "v1 · " in page
    assert 'data-testid="acknowledge"' not in page


def test_reack_banner_after_a_version_that_requires_it_only(employee):
    module = make_sop("s", [STEP])
    employee.post("/learn/sop/s/acknowledge", data={"version": 1})
    republish_sop(module, [{**STEP, "title": "三分钟内回复（措辞）"}], "措辞调整", False)
    page = employee.get("/learn/sop/s").text
    assert 'data-testid="reack-banner"' not in page and 'data-testid="ack-done"' in page

    republish_sop(module, [{**STEP, "title": "一分钟内回复"}], "回复时限改为一分钟", True)
    page = employee.get("/learn/sop/s").text
    assert 'data-testid="reack-banner"' in page and "回复时限改为一分钟" in page
    assert 'name="version" value="3"' in page

    employee.post("/learn/sop/s/acknowledge", data={"version": 3})
    page = employee.get("/learn/sop/s").text
    assert 'data-testid="reack-banner"' not in page and 'data-testid="ack-done"' in page


def test_a_stale_acknowledgement_form_is_not_recorded(employee):
    module = make_sop("s", [STEP])
    republish_sop(module, [{**STEP, "title": "新"}], "新", False)
    response = employee.post("/learn/sop/s/acknowledge", data={"version": 1})
    assert response.status_code == 302
    assert employee.post("/learn/sop/s/acknowledge", data={}).status_code == 302
    assert db.session.scalar(select(Acknowledgement.id)) is None


# ---- search ------------------------------------------------------------------------------------

def test_search_page_finds_the_points_lessons(employee):
    sync_shipped()
    page = employee.get("/learn/search", query_string={"q": "积分"})
    assert page.status_code == 200
    for key in ("membership-and-points-roles", "points-earn-and-redeem"):
        assert f'href="/learn/courses/membership-and-points/{key}"' in page.text
    assert "<mark>积分</mark>" in page.text
    assert employee.get("/learn/search", query_string={"q": ""}).status_code == 200


def test_search_page_escapes_what_it_shows(employee):
    make_course("c", [("a", '<img src=x onerror=alert(1)>积分', "<b>积分</b>")])
    page = employee.get("/learn/search", query_string={"q": "积分 <img"}).text
    assert "<mark>&lt;img</mark> src=x onerror=alert(1)&gt;<mark>积分</mark>" in page
    assert "<img src=x" not in page


def test_a_course_cover_is_shown_to_learners(client, auth, demo):
    import io

    from app.services.media import save_upload
    from tests.learning_factories import make_course

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    course = make_course("covered", title="有封面的课程")
    course.cover_media_id = save_upload(io.BytesIO(png), "cover.png", "image", None,
                                      upload_settings()).id
    db.session.commit()
    auth.as_role("employee")
    cover = f'src="/media/{course.cover_media_id}"'
    assert cover in client.get("/learn/").text
    assert cover in client.get("/learn/courses/covered").text
