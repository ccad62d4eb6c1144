"""/media/<id> serves a file only to those who may read an item that uses it; everyone else
gets the 404 of an id that does not exist (services/media_access.py)."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import Course, CourseLesson, Media
from app.models.base import utcnow
from app.services.media import save_upload
from app.services.media_access import may_read_media
from tests.helpers import upload_settings
from tests.learning_factories import make_course, make_sop, person
from tests.path_factories import assign

PDF = b"%PDF-1.4 handout"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def _upload(data: bytes = PDF, name: str = "讲义.pdf", kind: str = "pdf",
            by: str | None = "trainer") -> Media:
    media = save_upload(io.BytesIO(data), name, kind, person(by) if by else None,
                        upload_settings())
    db.session.commit()
    return media


def _lesson_with(slug: str, media: Media, *, publish: bool = True, body: str = "正文",
                 **course) -> Course:
    created = make_course(slug, [("one", "第一课", body)], publish=False, **course)
    lesson = db.session.scalar(select(CourseLesson).where(CourseLesson.course_id == created.id))
    if media.kind != "image":
        setattr(lesson, f"{media.kind}_media_id", media.id)
    db.session.commit()
    if publish:
        from app.services.content import publishing
        from app.services.content.kinds import COURSE

        publishing.publish(COURSE, created, None, "")
        db.session.commit()
    return created


def _may(login: str, media: Media) -> bool:
    return may_read_media(person(login), media, utcnow())


def test_a_draft_lessons_attachment_is_a_404_to_an_employee_counting_ids(app, auth, demo,
                                                                        client):
    media = _upload()
    _lesson_with("draft-course", media, publish=False)
    top = db.session.scalar(select(func.max(Media.id)))
    auth.as_role("employee")
    answers = {client.get(f"/media/{n}").status_code for n in range(1, top + 3)}
    assert answers == {404}
    auth.logout()
    auth.as_role("trainer")
    served = client.get(f"/media/{media.id}")
    assert served.status_code == 200 and served.data == PDF
    # the browser's PDF viewer would be blocked by the page policy; nobody may frame it
    assert served.headers["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_a_published_lessons_files_follow_the_courses_audience(demo):
    video = _upload(MP4, "课.mp4", "video")
    _lesson_with("nurses-course", video, positions=("护士",))  # not the employee's 客服
    assert _may("supervisor", video)  # a 护士
    assert not _may("employee", video) and not _may("10012", video)
    assert _may("trainer", video) and _may("admin", video)


def test_supervisors_read_published_files_of_any_item_and_no_draft(demo):
    """They assign items and review practice runs of SOP modules not meant for them."""
    step_image, drafted = _upload(PNG, "步骤.png", "image"), _upload()
    make_sop("doctors-sop", [{"key": "one", "title": "第一步",
                              "instructions": f"![步骤](/media/{step_image.id})"}],
             positions=("医生",))
    _lesson_with("doctors-draft", drafted, publish=False, positions=("医生",))
    assert _may("supervisor", step_image) and not _may("employee", step_image)
    assert not _may("supervisor", drafted)


def test_an_assigned_course_opens_its_files_whatever_its_audience(demo):
    pdf = _upload()
    course = _lesson_with("assigned-course", pdf, positions=("医生",))
    assert not _may("employee", pdf)
    assign(course, "employee")
    assert _may("employee", pdf)
    assert not _may("10005", pdf)  # the same department, not assigned


def test_covers_and_markdown_images_follow_their_item(demo):
    cover, shown, drafted, step_image, purpose = (_upload(PNG, f"{n}.png", "image")
                                                  for n in "abcde")
    course = _lesson_with("images-course", shown, body=f"![图](/media/{shown.id})")
    course.cover_media_id = cover.id
    lesson = db.session.scalar(select(CourseLesson).where(CourseLesson.course_id == course.id))
    lesson.body += f"\n\n![新图](/media/{drafted.id})"  # saved, not published yet
    db.session.commit()
    make_sop("images-sop", [{"key": "one", "title": "第一步",
                             "instructions": f"看图：![步骤](/media/{step_image.id} \"说明\")"}],
             purpose=f'<img src="/media/{purpose.id}">')
    assert _may("employee", cover) and _may("employee", shown) and _may("employee", step_image)
    assert _may("employee", purpose)
    assert not _may("employee", drafted) and _may("trainer", drafted)
    course.archived = True
    db.session.commit()
    assert not _may("employee", cover) and not _may("employee", shown)


def test_a_file_nothing_uses_is_for_its_uploader_and_administrators(demo):
    image = _upload(PNG, "未保存.png", "image", by="trainer")
    assert _may("trainer", image) and _may("admin", image)
    assert not _may("employee", image) and not _may("supervisor", image)
    anonymous = _upload(PNG, "x.png", "image", by=None)
    assert _may("admin", anonymous) and not _may("trainer", anonymous)


def test_served_files_are_private_unsniffed_and_seekable(client, auth, demo):
    video = _upload(MP4, "课程.mp4", "video")
    _lesson_with("video-course", video)
    auth.as_role("employee")
    whole = client.get(f"/media/{video.id}")
    assert whole.status_code == 200 and whole.data == MP4
    assert "private" in whole.headers["Cache-Control"]
    assert "public" not in whole.headers["Cache-Control"]
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    assert whole.headers["Content-Disposition"].startswith("inline")
    part = client.get(f"/media/{video.id}", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == MP4[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(MP4)}"


def test_a_type_a_browser_would_run_is_only_downloaded(client, auth, demo):
    page = _upload(PNG, "page.png", "image", by="admin")
    page.mime = "image/svg+xml"  # a row written some other way than the upload form
    db.session.commit()
    auth.as_role("admin")
    served = client.get(f"/media/{page.id}")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "application/octet-stream"
    assert served.headers["Content-Disposition"].startswith("attachment")


def test_checking_a_file_takes_the_same_statements_however_many_courses(
        client, auth, demo, count_statements):
    pdf = _upload()
    course = _lesson_with("counted-course", pdf, positions=("医生",))
    assign(course, "employee")
    auth.as_role("employee")

    def statements() -> int:
        with count_statements() as counted:
            assert client.get(f"/media/{pdf.id}").status_code == 200
        return counted()

    few = statements()
    for n in range(6):
        other = _lesson_with(f"more-{n}", pdf, positions=("医生",))
        assign(other, "employee")
    assert statements() == few


def test_a_lessons_pdf_is_offered_under_its_file_name(client, auth, demo, count_statements):
    pdf = _upload()
    _lesson_with("pdf-course", pdf)
    auth.as_role("employee")
    client.get("/learn/courses/pdf-course/one")
    with count_statements() as counted:
        page = client.get("/learn/courses/pdf-course/one").text
    assert f'href="/media/{pdf.id}"' in page and "· 讲义.pdf</a>" in page
    assert counted() == 3  # a lesson without a PDF: 2 (tests/web/test_learning_pages.py)
