"""Evidence photos: re-encoded without metadata, refused when not an image, too big or a
decompression bomb; nothing is kept from a refused upload."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from app.extensions import db
from app.models import EvidencePhoto
from app.services.errors import DomainError
from app.services.practice.photos import photo_path, save_evidence_photo
from tests.helpers import upload_settings
from tests.learning_factories import person
from tests.practice_factories import jpeg_bytes, make_run


@pytest.fixture
def run(app, demo):
    return make_run("employee")


def _save(run, data: bytes, filename: str = "photo.jpg") -> EvidencePhoto:
    return save_evidence_photo(io.BytesIO(data), filename, run, person("employee"),
                               upload_settings())


def _stored(photo: EvidencePhoto) -> bytes:
    return photo_path(photo, upload_settings()).read_bytes()


def test_exif_and_gps_are_gone_after_upload(run):
    original = jpeg_bytes()
    with Image.open(io.BytesIO(original)) as before:  # the test file really carries them
        assert before.getexif().get_ifd(0x8825) and before.getexif()[0x010F] == "TestCam"
    photo = _save(run, original)
    stored = _stored(photo)
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == "JPEG"
        assert not after.getexif() and not after.getexif().get_ifd(0x8825)
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(after.info)
    for marker in (b"Exif", b"TestCam", b"secret", b"GPS"):
        assert marker not in stored
    assert photo.mime == "image/jpeg" and photo.size == len(stored)
    assert len(photo.sha256) == 64 and photo.stored_name.endswith(".jpg")


def test_orientation_is_applied_before_the_metadata_goes(run):
    photo = _save(run, jpeg_bytes(size=(64, 48), orientation=6))  # rotated 90°
    assert (photo.width, photo.height) == (48, 64)


def test_large_photos_are_shrunk(run):
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 1000), "white").save(buffer, "JPEG")
    photo = _save(run, buffer.getvalue())
    assert (photo.width, photo.height) == (2000, 667)


def test_png_with_transparency_stays_png_without_text_chunks(run):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "client secret")
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 128)).save(buffer, "PNG", pnginfo=info)
    photo = _save(run, buffer.getvalue(), "screen.png")
    stored = _stored(photo)
    assert photo.mime == "image/png" and b"secret" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.mode == "RGBA" and "Comment" not in after.info


def test_webp_is_accepted_and_becomes_jpeg(run):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buffer, "WEBP")
    assert _save(run, buffer.getvalue(), "shot.webp").mime == "image/jpeg"


def _count_kept() -> tuple[int, int]:
    files = len(list(upload_settings().directory("evidence").iterdir()))
    return files, db.session.scalar(select(func.count(EvidencePhoto.id)))


def _refused(run, data: bytes, filename: str = "photo.jpg") -> str:
    before = _count_kept()
    with pytest.raises(DomainError) as error:
        _save(run, data, filename)
    assert _count_kept() == before, "a refused upload left something behind"
    assert error.value.field == "photo"
    return str(error.value)


def test_a_text_file_renamed_jpg_is_refused(run):
    assert "无法识别这个文件为照片" in _refused(run, b"name: client\nphone: 13812345678\n" * 20)


@pytest.mark.parametrize("data,filename", [
    (b"GIF89a" + b"\x00" * 40, "a.gif"), (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "a.heic"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg"), (b"", "empty.jpg"),
    (jpeg_bytes()[:200], "truncated.jpg"), (b"\xff\xd8\xff" + b"\x00" * 500, "fake.jpg"),
])
def test_other_non_photos_are_refused(run, data, filename):
    _refused(run, data, filename)


def test_a_gif_renamed_jpg_is_refused(run):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    _refused(run, buffer.getvalue(), "moving.jpg")


def test_oversized_uploads_are_refused(app, run):
    app.config["MAX_EVIDENCE_PHOTO_MB"] = 1
    assert "1 MB" in _refused(run, b"\xff\xd8\xff" + b"\x00" * (1024 * 1024))


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG declaring a huge size (its pixel data is a few compressed bytes)."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("size", [(20_000, 20_000), (9000, 8000), (100_000, 100_000)])
def test_decompression_bombs_are_refused_before_decoding(run, size):
    assert "像素过多" in _refused(run, _png_header_only(*size), "bomb.png")
