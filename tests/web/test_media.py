"""Uploaded media: type and size checks (who may read a file, and HTTP Range so videos can
seek: test_media_access.py)."""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.services.errors import DomainError
from app.services.media import save_upload
from tests.helpers import upload_settings

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def test_media_needs_a_signed_in_user(client, demo):
    media = save_upload(io.BytesIO(MP4), "a.mp4", "video", None, upload_settings())
    db.session.commit()
    assert client.get(f"/media/{media.id}").status_code == 302


@pytest.mark.parametrize("name,data,kind", [
    ("notes.exe", b"MZ\x90\x00", "video"),
    ("fake.mp4", b"this is plain text, not a video", "video"),
    ("fake.pdf", b"\x89PNG\r\n\x1a\n....", "pdf"),
    ("empty.webm", b"", "video"),
])
def test_wrong_types_are_refused_and_nothing_is_kept(app, name, data, kind, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    with pytest.raises(DomainError):
        save_upload(io.BytesIO(data), name, kind, None, upload_settings())
    assert list(tmp_path.iterdir()) == []


def test_files_over_the_limit_are_refused_with_the_limit_in_the_message(app, tmp_path):
    app.config.update(UPLOAD_DIR=str(tmp_path), MAX_PDF_MB=1)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)
    with pytest.raises(DomainError) as refused:
        save_upload(io.BytesIO(big), "big.pdf", "pdf", None, upload_settings())
    assert "1 MB" in str(refused.value)
    assert list(tmp_path.iterdir()) == []
