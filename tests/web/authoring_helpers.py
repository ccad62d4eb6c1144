"""Building courses and SOP modules through the trainer pages, and reading them back."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import Course, CourseChapter, CourseLesson, Media, SopModule, SopStep

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def newest(model):
    db.session.expire_all()
    return db.session.scalar(select(model).order_by(model.id.desc()).limit(1))


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def post_form(client, url: str, data: dict):
    """POST a multipart form built in memory (the test client would spool a large body to a
    temporary file that nobody closes). File fields are (bytes stream, file name) pairs."""
    values = MultiDict()
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):
                item = FileStorage(stream=item[0], filename=item[1], name=name)
            values.add(name, item if isinstance(item, FileStorage) else str(item))
    boundary, body = encode_multipart(values)
    return client.post(url, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def create_course(client, title: str = "私域运营入门", **fields) -> Course:
    response = post_form(client, "/manage/courses/new",
                         {"title": title, "summary": "", "sort_order": 0, **fields})
    assert response.status_code == 302, response.text
    return newest(Course)


def add_chapter(client, course_id: int, title: str = "第一章 认识私域") -> CourseChapter:
    response = client.post(f"/manage/courses/{course_id}/chapters", data={"title": title})
    assert response.status_code == 302
    return newest(CourseChapter)


def add_lesson(client, chapter_id: int, title: str, body: str, **fields) -> CourseLesson:
    response = post_form(client, f"/manage/chapters/{chapter_id}/lessons/new",
                         {"title": title, "body": body, "chapter_id": chapter_id, **fields})
    assert response.status_code == 302, response.text
    return newest(CourseLesson)


def edit_lesson(client, lesson: CourseLesson, **fields):
    data = {"title": lesson.title, "body": lesson.body, "chapter_id": lesson.chapter_id,
            **fields}
    return post_form(client, f"/manage/lessons/{lesson.id}/edit", data)


def publish_course(client, course_id: int, note: str = "首次发布"):
    return client.post(f"/manage/courses/{course_id}/publish", data={"change_note": note})


def create_sop(client, title: str = "线上咨询到首次到院邀约", **fields) -> SopModule:
    response = client.post("/manage/sop/new", data={"title": title, "purpose": "",
                                                    "owner_position_id": 0, "sort_order": 0,
                                                    **fields})
    assert response.status_code == 302, response.text
    return newest(SopModule)


def step_form(title: str, **fields) -> dict:
    return {"title": title, "instructions": "", "script": "", "responsible_position_id": 0,
            "timing": "", "evidence_type": "none", "evidence_hint": "", "key_points": "",
            **fields}


def add_step(client, module_id: int, title: str, **fields) -> SopStep:
    response = client.post(f"/manage/sop/{module_id}/steps/new", data=step_form(title, **fields))
    assert response.status_code == 302, response.text
    return newest(SopStep)


def media_rows() -> int:
    return count(Media)


class ActiveContent(HTMLParser):
    """Everything in a page that could run script: <script> (other than the app's own
    files), on* attributes, javascript: URLs, <iframe>/<object>/<embed>, <svg>/<math>."""

    DANGEROUS_TAGS = {"iframe", "object", "embed", "svg", "math", "base"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.found.append(f"<script {attrs}>")
        if tag in self.DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in self.URL_ATTRIBUTES and re.match(r"\s*(javascript|vbscript|data):",
                                                         value or "", re.I):
                self.found.append(f"<{tag} {name}={value[:30]}>")

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found
