"""Evidence photos: a photo of a screen or of material, never of a client.

An upload is read in chunks up to MAX_EVIDENCE_PHOTO_MB (never whole into memory beyond
that), decoded with Pillow (JPEG, PNG, WebP; anything else — a text file renamed .jpg,
HEIC, GIF, SVG — is refused with a message), bounded in pixels before decoding (a
decompression bomb is refused, not decoded), turned upright by its EXIF orientation,
shrunk to at most MAX_SIDE pixels a side and re-encoded from the pixels alone: JPEG, or PNG
when it has transparency. Nothing of the original file survives: no EXIF (camera, GPS
position, time), no XMP, no ICC profile, no comments or text chunks. The stored bytes are
hashed (sha256) and kept under UPLOAD_DIR/evidence/ with a random name, written by
media.store_file: whole or not at all, removed when the database does not record it, and a
full disk or a folder that cannot be written is a sentence for the user, never a 500.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import tempfile
import warnings
from pathlib import Path, PurePath

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from app.extensions import db
from app.models import EvidencePhoto, PracticeRun, User
from app.services.errors import DomainError, NotFound
from app.services.media import EVIDENCE_PHOTO, UploadSettings, store_file
from app.services.practice.access import can_view

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
MAX_SIDE = 2000
MAX_PIXELS = 60_000_000  # a 48-megapixel phone photo fits; a decompression bomb does not
FORMATS = {"JPEG", "PNG", "WEBP"}
EXTENSIONS = {"", ".jpg", ".jpeg", ".png", ".webp"}
FIELD = "photo"


def photo_path(photo: EvidencePhoto, settings: UploadSettings) -> Path:
    return settings.directory("evidence") / photo.stored_name


def _spool(stream, limit: int) -> tempfile.SpooledTemporaryFile:
    """The upload copied to a temporary file, refused as soon as it passes `limit`."""
    spooled = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spooled.close()
            raise DomainError(_l("The photo is larger than %(mb)d MB.",
                                 mb=limit // (1024 * 1024)), FIELD)
        spooled.write(chunk)
    if size == 0:
        spooled.close()
        raise DomainError(_l("The photo is empty."), FIELD)
    spooled.seek(0)
    return spooled


def _not_an_image() -> DomainError:
    return DomainError(_l("This file is not a photo we can read. Upload a JPEG, PNG or WebP "
                          "image (on iPhone, a screenshot or “Most Compatible” camera "
                          "format)."), FIELD)


def _open_checked(source) -> Image.Image:
    """Pillow's image, of an accepted format and size, verified and reopened for decoding."""
    image = Image.open(source)
    if image.format not in FORMATS:
        raise _not_an_image()
    if image.width * image.height > MAX_PIXELS:
        raise DomainError(_l("The photo has too many pixels (at most %(mp)d megapixels).",
                             mp=MAX_PIXELS // 1_000_000), FIELD)
    image.verify()
    source.seek(0)
    image = Image.open(source)
    image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale when large
    return image


def _decode(source) -> Image.Image:
    """The upright, bounded, fully decoded image; DomainError for anything unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open_checked(source)
            image.load()
            image = ImageOps.exif_transpose(image)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(_l("The photo has too many pixels (at most %(mp)d megapixels).",
                             mp=MAX_PIXELS // 1_000_000), FIELD) from None
    except Exception as error:  # Pillow raises many kinds on hostile input
        log.info("evidence photo refused: %r", error)
        raise _not_an_image() from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def encode_clean(image: Image.Image) -> tuple[bytes, str]:
    """Pixels only, re-encoded: (bytes, MIME type). No metadata of the original survives."""
    if _has_alpha(image):
        clean = Image.frombytes("RGBA", image.size, image.convert("RGBA").tobytes())
        kind, mime, options = "PNG", "image/png", {"optimize": True}
    else:
        clean = Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())
        kind, mime, options = "JPEG", "image/jpeg", {"quality": 85, "optimize": True}
    buffer = io.BytesIO()
    clean.save(buffer, kind, **options)
    return buffer.getvalue(), mime


def save_evidence_photo(stream, filename: str | None, run: PracticeRun, actor: User,
                        settings: UploadSettings) -> EvidencePhoto:
    """Check, clean and store one uploaded photo for `run`; DomainError (nothing kept) when
    refused. The caller links it to a step."""
    if PurePath(filename or "").suffix.lower() not in EXTENSIONS:
        raise _not_an_image()
    with _spool(stream, settings.limit_bytes(EVIDENCE_PHOTO)) as spooled:
        image = _decode(spooled)
    data, mime = encode_clean(image)
    stored_name = secrets.token_hex(16) + (".png" if mime == "image/png" else ".jpg")
    store_file(settings.folder / "evidence", stored_name, [data], FIELD)
    photo = EvidencePhoto(run_id=run.id, stored_name=stored_name, mime=mime,
                          width=image.width, height=image.height, size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=actor.id)
    db.session.add(photo)
    db.session.flush()
    return photo


def viewable_photo(actor: User, photo_id: int) -> EvidencePhoto:
    """The photo when the actor may see its run (its employee, its reviewers); NotFound
    otherwise, so that a stranger cannot tell it exists."""
    photo = db.session.get(EvidencePhoto, photo_id)
    run = db.session.get(PracticeRun, photo.run_id) if photo else None
    if run is None or not can_view(actor, run):
        raise NotFound(_l("This photo does not exist."))
    return photo
