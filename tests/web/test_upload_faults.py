"""When storing an upload fails — the disk is full, the upload folder cannot be written, the
database fails after the file was written — the user reads a sentence (never a 500), what
they typed is still on the page, and no file is left in the upload folder: neither a
truncated one nor one the database does not know about. For evidence photos of practice
runs and for lesson attachments alike."""

from __future__ import annotations

import errno
import io
import os
import re

import pytest
from flask import has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import EvidencePhoto, Media
from app.services import media
from tests.practice_factories import jpeg_bytes, make_run
from tests.web.authoring_helpers import MP4, add_chapter, add_lesson, create_course, edit_lesson
from tests.web.quiz_helpers import shown

DISK_FULL = ("The server's storage is full, so the file was not saved. Your other entries are "
             "kept; tell your administrator.")
READ_ONLY = ("The server may not write to its upload folder, so the file was not saved. Your "
             "other entries are kept; tell your administrator.")
DATABASE = ("The database did not answer, so nothing was saved. What you entered is still on "
            "this page: try again in a moment.")


@pytest.fixture
def uploads(app, tmp_path):
    folder = tmp_path / "uploads"
    app.config["UPLOAD_DIR"] = str(folder)
    return folder


def files_in(folder) -> list[str]:
    return [str(path) for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


class _FullDisk:
    """A file that takes a few bytes and then fails as a full disk does."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, data):
        self.handle.write(data[:10])
        self.handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


def fill_the_disk(monkeypatch):
    opened = os.fdopen
    monkeypatch.setattr(media.os, "fdopen", lambda fd, mode: _FullDisk(opened(fd, mode)))


def lock_the_folder(monkeypatch, folder):
    """The folder cannot be written: read-only, and (as root ignores that) refused."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    if os.geteuid() == 0:
        monkeypatch.setattr(media.tempfile, "mkstemp", refused)
    return refused


@pytest.fixture
def failing_database():
    """Call with "flush" (an evidence photo row cannot be written) or "commit" (the commit of
    a request fails); the file was written before either."""
    listeners = []

    def arm(stage: str):
        def on_flush(session, context, instances):
            if any(isinstance(obj, EvidencePhoto | Media) for obj in session.new):
                raise OperationalError("INSERT", {}, Exception("database went away"))

        def on_commit(session):
            if has_request_context():
                raise OperationalError("COMMIT", {}, Exception("database went away"))

        name, listener = ("before_flush", on_flush) if stage == "flush" else (
            "before_commit", on_commit)
        event.listen(Session, name, listener)
        listeners.append((name, listener))

    yield arm
    for name, listener in listeners:
        event.remove(Session, name, listener)


# ---- evidence photos of a practice run -------------------------------------------------------

@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


def _post_photo(client, run):
    data = {"s.screenshot.done": ["0", "1"], "s.screenshot.note": "截图备注",
            "s.handover.done": ["0", "1"], "s.handover.note": "已交接",
            "s.screenshot.photo": (io.BytesIO(jpeg_bytes()), "shot.jpg")}
    return client.post(f"/practice/runs/{run.id}/save", data=data,
                       content_type="multipart/form-data")


def _typed_values_shown(page: str) -> bool:
    ticked = re.search(r'name="s\.screenshot\.done" value="1"[^>]*checked', page)
    return bool(ticked) and "截图备注" in page


def _steps(run) -> dict:
    db.session.expire_all()
    return {step.step_key: step for step in run.steps}


@pytest.mark.parametrize("fault,message", [("disk full", DISK_FULL),
                                           ("read-only", READ_ONLY)])
def test_a_photo_the_folder_refuses_keeps_the_step_and_saves_the_others(
        employee, uploads, monkeypatch, fault, message):
    run = make_run()
    if fault == "disk full":
        fill_the_disk(monkeypatch)
    else:
        lock_the_folder(monkeypatch, uploads)
    response = _post_photo(employee, run)
    uploads.chmod(0o755) if uploads.exists() else None
    assert response.status_code == 400
    assert shown(message) in response.text and 'data-testid="step-error"' in response.text
    assert _typed_values_shown(response.text)
    assert files_in(uploads) == []
    assert db.session.scalar(select(func.count(EvidencePhoto.id))) == 0
    steps = _steps(run)
    assert steps["handover"].note == "已交接" and steps["handover"].done_at is not None


@pytest.mark.parametrize("stage", ["flush", "commit"])
def test_a_failing_database_leaves_no_orphan_photo(employee, uploads, failing_database, stage):
    run = make_run()
    failing_database(stage)
    response = _post_photo(employee, run)
    assert response.status_code == 409
    assert shown(DATABASE) in response.text and 'data-testid="run-alert"' in response.text
    assert _typed_values_shown(response.text) and "已交接" in response.text
    assert files_in(uploads) == []
    assert db.session.scalar(select(func.count(EvidencePhoto.id))) == 0
    assert _steps(run)["handover"].note == ""  # nothing was saved, but nothing typed is lost


def test_the_autosave_of_a_photo_on_a_full_disk_says_so(employee, uploads, monkeypatch):
    run = make_run()
    fill_the_disk(monkeypatch)
    response = employee.post(
        f"/practice/runs/{run.id}/save", headers={"Accept": "application/json"},
        data={"s.screenshot.photo": (io.BytesIO(jpeg_bytes()), "shot.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json["errors"]["screenshot"]["message"] == shown(DISK_FULL)
    assert files_in(uploads) == []


def test_a_photo_is_stored_whole_under_its_final_name(employee, uploads):
    run = make_run()
    assert _post_photo(employee, run).status_code == 302
    photo = db.session.scalar(select(EvidencePhoto))
    assert [os.path.basename(path) for path in files_in(uploads)] == [photo.stored_name]
    assert (uploads / "evidence" / photo.stored_name).stat().st_size == photo.size


# ---- lesson attachments ------------------------------------------------------------------

@pytest.fixture
def lesson(client, auth, demo):
    auth.as_role("trainer")
    course = create_course(client)
    return add_lesson(client, add_chapter(client, course.id).id, "欢迎语", "第一段。\n")


@pytest.mark.parametrize("fault,message", [("disk full", DISK_FULL),
                                           ("read-only", READ_ONLY),
                                           ("database", DATABASE)])
def test_a_lesson_attachment_that_cannot_be_stored(client, lesson, uploads, monkeypatch,
                                                   failing_database, fault, message):
    if fault == "disk full":
        fill_the_disk(monkeypatch)
    elif fault == "read-only":
        lock_the_folder(monkeypatch, uploads)
    else:
        failing_database("commit")
    response = edit_lesson(client, lesson, body="改过的正文",
                           video_file=(io.BytesIO(MP4), "欢迎.mp4"))
    uploads.chmod(0o755) if uploads.exists() else None
    assert response.status_code == 200 and shown(message) in response.text
    assert "改过的正文" in response.text  # the form is shown again as typed
    assert files_in(uploads) == []
    assert db.session.scalar(select(func.count(Media.id))) == 0


def test_no_temporary_file_is_left_when_an_upload_is_refused(client, lesson, uploads):
    response = edit_lesson(client, lesson, video_file=(io.BytesIO(b"not a video"), "x.mp4"))
    assert response.status_code == 200 and files_in(uploads) == []
    assert not list(uploads.glob(".upload-*"))


def test_the_autosave_when_the_database_fails_says_so_and_keeps_nothing(
        employee, uploads, failing_database):
    run = make_run()
    failing_database("commit")
    response = employee.post(
        f"/practice/runs/{run.id}/save", headers={"Accept": "application/json"},
        data={"s.screenshot.note": "截图备注",
              "s.screenshot.photo": (io.BytesIO(jpeg_bytes()), "shot.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 503 and response.json["error"] == shown(DATABASE)
    assert files_in(uploads) == []  # run.js keeps the fields and sends them again
