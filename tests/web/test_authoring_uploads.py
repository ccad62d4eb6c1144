"""The lesson editor: uploads and their limits, the Markdown preview (live and without
JavaScript), CSRF on the upload views, and XSS payloads in titles and bodies."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CourseLesson, Media
from tests.web.authoring_helpers import (
    MP4,
    PDF,
    PNG,
    active_content,
    add_chapter,
    add_lesson,
    create_course,
    edit_lesson,
    media_rows,
    publish_course,
)

XSS = "testdata/xss/payloadbox-xss-payload-list.txt"


@pytest.fixture
def uploads(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    return tmp_path


@pytest.fixture
def lesson(client, auth, demo) -> CourseLesson:
    auth.as_role("trainer")
    course = create_course(client)
    chapter = add_chapter(client, course.id)
    return add_lesson(client, chapter.id, "欢迎语", "第一段。\n")


def _lesson(lesson_id: int) -> CourseLesson:
    db.session.expire_all()
    return db.session.get(CourseLesson, lesson_id)


def _english(client) -> None:
    client.post("/auth/language", data={"lang": "en"})


# ---- uploads ---------------------------------------------------------------------------------

def test_video_audio_and_pdf_are_attached_to_the_lesson(client, lesson, uploads):
    response = edit_lesson(client, lesson, video_file=(io.BytesIO(MP4), "欢迎.mp4"),
                           pdf_file=(io.BytesIO(PDF), "讲义.pdf"))
    assert response.status_code == 302
    saved = _lesson(lesson.id)
    assert saved.video.kind == "video" and saved.video.original_name == "欢迎.mp4"
    assert saved.pdf.mime == "application/pdf" and len(list(uploads.iterdir())) == 2
    page = client.get(f"/manage/lessons/{lesson.id}").text
    assert f'src="/media/{saved.video_media_id}"' in page
    edit_lesson(client, _lesson(lesson.id), remove_video="y")
    assert _lesson(lesson.id).video_media_id is None and _lesson(lesson.id).pdf_media_id


@pytest.mark.parametrize("field,name,data,message", [
    ("video_file", "notes.exe", b"MZ\x90\x00", "is not an accepted video file"),
    ("video_file", "fake.mp4", b"plain text, not a video", "does not contain video data"),
    ("pdf_file", "fake.pdf", PNG, "does not contain PDF data"),
    ("audio_file", "song.wav", b"RIFF....WAVE", "is not an accepted audio file"),
])
def test_a_wrong_file_type_is_refused_and_nothing_is_kept(client, lesson, uploads, field, name,
                                                          data, message):
    _english(client)
    page = edit_lesson(client, lesson, body="改过的正文", **{field: (io.BytesIO(data), name)})
    assert page.status_code == 200 and message in page.text
    assert media_rows() == 0 and list(uploads.iterdir()) == []
    assert _lesson(lesson.id).body == "第一段。\n"  # the rest of the form is not saved either


def test_a_file_over_its_limit_is_refused_with_the_limit(app, client, lesson, uploads):
    app.config["MAX_PDF_MB"] = 1
    _english(client)
    big = PDF + b"0" * (1024 * 1024)
    page = edit_lesson(client, lesson, pdf_file=(io.BytesIO(big), "big.pdf"))
    assert page.status_code == 200 and "The file is larger than 1 MB." in page.text
    assert media_rows() == 0 and list(uploads.iterdir()) == []


def test_one_refused_file_removes_the_others_sent_with_it(client, lesson, uploads):
    page = edit_lesson(client, lesson, video_file=(io.BytesIO(MP4), "ok.mp4"),
                       pdf_file=(io.BytesIO(b"not a pdf"), "bad.pdf"))
    assert page.status_code == 200 and 'class="form-error"' in page.text
    assert media_rows() == 0 and list(uploads.iterdir()) == []


def test_a_request_over_the_video_limit_is_answered_413_and_nothing_is_kept(app, client, lesson,
                                                                             uploads):
    app.config["MAX_VIDEO_MB"] = 1  # the form accepts 1 MB + 1 MB for the other fields
    huge = MP4 + b"0" * (3 * 1024 * 1024)
    response = edit_lesson(client, lesson, video_file=(io.BytesIO(huge), "huge.mp4"))
    assert response.status_code == 413
    assert media_rows() == 0 and list(uploads.iterdir()) == []


def test_a_video_larger_than_the_general_request_limit_is_accepted(app, client, lesson,
                                                                   uploads):
    app.config.update(MAX_CONTENT_LENGTH=512 * 1024, MAX_VIDEO_MB=2)
    video = MP4 + b"0" * (1024 * 1024)
    assert edit_lesson(client, lesson, video_file=(io.BytesIO(video), "big.mp4")
                       ).status_code == 302
    assert _lesson(lesson.id).video.size == len(video)


def test_an_image_uploaded_with_the_form_is_added_to_the_end_of_the_text(client, lesson,
                                                                         uploads):
    assert edit_lesson(client, lesson, image_file=(io.BytesIO(PNG), "流程图.png")
                       ).status_code == 302
    media = db.session.scalar(select(Media))
    assert _lesson(lesson.id).body == f"第一段。\n\n![流程图](/media/{media.id})\n"


def test_the_insert_image_endpoint_answers_markdown(client, lesson, uploads):
    answer = client.post("/manage/images", data={"image": (io.BytesIO(PNG), "a [b].png")},
                         content_type="multipart/form-data")
    media = db.session.scalar(select(Media))
    assert answer.status_code == 200 and answer.json == {"markdown": f"![a b](/media/{media.id})"}
    refused = client.post("/manage/images", data={"image": (io.BytesIO(b"GIF"), "x.exe")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and refused.json["error"]
    assert client.post("/manage/images", data={}).status_code == 400
    assert media_rows() == 1 and len(list(uploads.iterdir())) == 1


def test_a_course_cover_image(client, auth, demo, uploads):
    auth.as_role("trainer")
    course = create_course(client, cover_file=(io.BytesIO(PNG), "封面.png"))
    assert course.cover.kind == "image"
    client.post(f"/manage/courses/{course.id}/edit", data={"title": course.title,
                                                            "remove_cover": "y"})
    db.session.expire_all()
    assert db.session.get(type(course), course.id).cover_media_id is None


# ---- preview ---------------------------------------------------------------------------------

def test_the_live_preview_renders_markdown(client, lesson):
    answer = client.post("/manage/preview", data={"text": "## 标题\n\n**重点** {客户称呼}"})
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert "<h2>标题</h2>" in answer.text and "<strong>重点</strong>" in answer.text


def test_the_preview_button_works_without_javascript_and_saves_nothing(client, lesson):
    page = edit_lesson(client, lesson, body="## 新标题\n\n- 一\n- 二", preview="预览")
    assert page.status_code == 200
    pane = page.text.split('data-testid="preview">', 1)[1]
    assert pane.lstrip().startswith("<h2>新标题</h2>") and "<li>一</li>" in pane
    assert _lesson(lesson.id).body == "第一段。\n"


# ---- CSRF on the views that take large uploads -----------------------------------------------

def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_upload_views_still_check_the_csrf_token(app, client, demo, uploads):
    login_page = client.get("/auth/login").text
    client.post("/auth/login", data={"login": "trainer", "password": "demo1234",
                                     "csrf_token": _token(login_page)})
    page = client.get("/manage/courses/new").text
    token = _token(page)
    response = client.post("/manage/courses/new", data={"title": "无令牌"},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "无令牌" not in client.get("/manage/").text
    response = client.post("/manage/courses/new", data={"title": "有令牌", "csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.post("/manage/preview", data={"text": "x"}).status_code == 400
    answer = client.post("/manage/preview", data={"text": "**x**"},
                         headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and "<strong>x</strong>" in answer.text
    refused = client.post("/manage/images", data={"image": (io.BytesIO(PNG), "a.png")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and media_rows() == 0


# ---- XSS -------------------------------------------------------------------------------------

@pytest.fixture
def payloads(shared_dir) -> list[str]:
    path = shared_dir / XSS
    if not path.is_file():
        pytest.skip(f"{XSS} is absent from ../shared: the XSS payloads are not available")
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()]
    assert len(lines) > 1000
    return lines


def test_no_xss_payload_survives_the_preview(client, lesson, payloads):
    problems = []
    for start in range(0, len(payloads), 100):
        chunk = payloads[start:start + 100]
        html = client.post("/manage/preview", data={"text": "\n\n".join(chunk)}).text
        if found := active_content(html):
            problems.append((start, found[:3]))
    assert not problems, problems[:5]


SAMPLE = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '<svg/onload=alert(1)>',
    '"><iframe src=javascript:alert(1)>',
    '![x](javascript:alert(1))',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
]


@pytest.mark.parametrize("payload", SAMPLE)
def test_xss_in_a_lesson_title_and_body_is_inert_on_every_page(client, lesson, payload):
    assert edit_lesson(client, lesson, title=payload[:200],
                       body=f"正文\n\n{payload}\n").status_code == 302
    course_id = lesson.course_id
    publish_course(client, course_id, payload)
    urls = [f"/manage/lessons/{lesson.id}", f"/manage/lessons/{lesson.id}/edit",
            f"/manage/courses/{course_id}", f"/manage/courses/{course_id}/versions",
            f"/manage/courses/{course_id}/diff", f"/manage/courses/{course_id}/publish", "/manage/"]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        assert active_content(page.text) == [], (url, active_content(page.text))
    preview = edit_lesson(client, _lesson(lesson.id), preview="预览")
    assert active_content(preview.text) == []
