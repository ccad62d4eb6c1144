"""Uploaded media (video, audio, PDF, image): type and size checked, stored under UPLOAD_DIR.

Every uploaded file is written by `store_file`: into a temporary file in its folder, moved
into place only when complete (no truncated file under its final name), removed when the
disk is full or the folder cannot be written (the user gets a sentence, never a 500), and
removed again when the database transaction that was to record it is rolled back (no
orphan file when the database fails after the file was written).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Media, User
from app.services.errors import DomainError
from app.services.privacy import mask_pii

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    extensions: dict[str, str]  # extension → MIME type
    limit_setting: str          # config key holding the limit in MB
    label: object


def _ftyp(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


MAGIC = {
    ".mp4": _ftyp, ".m4a": _ftyp,
    ".webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    ".mp3": lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF
                                               and h[1] & 0xE0 == 0xE0),
    ".ogg": lambda h: h.startswith(b"OggS"),
    ".pdf": lambda h: h.startswith(b"%PDF-"),
    ".png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    ".jpg": lambda h: h.startswith(b"\xff\xd8\xff"),
    ".jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    ".gif": lambda h: h[:6] in (b"GIF87a", b"GIF89a"),
    ".webp": lambda h: h.startswith(b"RIFF") and h[8:12] == b"WEBP",
}

KINDS = {
    "video": Kind({".mp4": "video/mp4", ".webm": "video/webm"}, "MAX_VIDEO_MB", _l("video")),
    "audio": Kind({".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg"},
                  "MAX_AUDIO_MB", _l("audio")),
    "pdf": Kind({".pdf": "application/pdf"}, "MAX_PDF_MB", _l("PDF")),
    "image": Kind({".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                   ".gif": "image/gif", ".webp": "image/webp"}, "MAX_IMAGE_MB", _l("image")),
}


EVIDENCE_PHOTO = "evidence_photo"  # the limit of a practice run's photo (practice/photos.py)


@dataclass(frozen=True)
class UploadSettings:
    """Where uploaded files live and how large each kind may be: the UPLOAD_DIR and MAX_*_MB
    settings, read by the views and commands and handed to the services that store files."""

    folder: Path
    limits_mb: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping) -> UploadSettings:
        limits = {kind: int(config[spec.limit_setting]) for kind, spec in KINDS.items()}
        limits[EVIDENCE_PHOTO] = int(config.get("MAX_EVIDENCE_PHOTO_MB", 10))
        return cls(Path(config["UPLOAD_DIR"]), limits)

    def limit_bytes(self, kind: str) -> int:
        return self.limits_mb[kind] * 1024 * 1024

    def directory(self, sub: str = "") -> Path:
        """The folder (or its sub-folder), created when missing."""
        path = self.folder / sub if sub else self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path


NEW_FILES = "sop_academy.new_files"  # session.info: files written in this transaction


def storage_error(error: OSError, field: str | None = None) -> DomainError:
    """What the user reads when the upload folder refused a file."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        message = _l("The server's storage is full, so the file was not saved. Your other "
                     "entries are kept; tell your administrator.")
    elif isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EROFS):
        message = _l("The server may not write to its upload folder, so the file was not "
                     "saved. Your other entries are kept; tell your administrator.")
    else:
        message = _l("The server could not store the file. Your other entries are kept; try "
                     "again, or tell your administrator.")
    log.error("upload not stored: %r", error)
    return DomainError(message, field)


def store_file(directory: Path, name: str, chunks: Iterable[bytes],
               field: str | None = None) -> Path:
    """Write `chunks` to `directory`/`name` whole or not at all: a temporary file in the same
    folder, moved into place when complete. An OSError (disk full, folder not writable)
    becomes a DomainError for `field`; a DomainError raised by `chunks` (too large, wrong
    type) passes through; either way nothing is left behind. The file is removed again when
    the current database transaction rolls back instead of committing."""
    temporary = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=directory)
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        target = directory / name
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise storage_error(error, field) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    db.session.info.setdefault(NEW_FILES, []).append(target)
    return target


@event.listens_for(Session, "after_commit")
def _keep_new_files(session) -> None:
    session.info.pop(NEW_FILES, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session, transaction) -> None:
    """A transaction that ended without committing takes its new files with it."""
    if transaction.parent is None:
        for path in session.info.pop(NEW_FILES, ()):
            Path(path).unlink(missing_ok=True)


def _checked_chunks(stream, suffix: str, spec: Kind, limit: int, filename: str, sums: dict):
    """The upload's chunks, refused (DomainError) when too large, empty or not of its type;
    `sums` receives its size and sha256."""
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(CHUNK):
        if len(head) < 16:
            head = (head + chunk)[:16]
        size += len(chunk)
        if size > limit:
            raise DomainError(_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
        digest.update(chunk)
        yield chunk
    if size == 0:
        raise DomainError(_l("The file is empty."))
    if not MAGIC[suffix](head):
        raise DomainError(_l("'%(name)s' does not contain %(kind)s data of its type.",
                             name=filename, kind=spec.label))
    sums.update(size=size, sha256=digest.hexdigest())


def save_upload(stream, filename: str, kind: str, actor: User | None,
                settings: UploadSettings) -> Media:
    """Check and store one uploaded file; raise DomainError (nothing kept) when refused or
    when the upload folder cannot take it."""
    spec = KINDS[kind]
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in spec.extensions:
        raise DomainError(_l("'%(name)s' is not an accepted %(kind)s file; accepted: %(types)s.",
                             name=filename or "?", kind=spec.label,
                             types=", ".join(spec.extensions)))
    stored_name = secrets.token_hex(16) + suffix
    sums: dict = {}
    store_file(settings.folder, stored_name,
               _checked_chunks(stream, suffix, spec, settings.limit_bytes(kind), filename, sums))
    size = sums["size"]
    name = mask_pii(filename or stored_name, "****")  # a phone's photo named by a number
    media = Media(kind=kind, original_name=name[-255:],
                  stored_name=stored_name, mime=spec.extensions[suffix], size=size,
                  sha256=sums["sha256"], uploaded_by_id=actor.id if actor else None)
    db.session.add(media)
    db.session.flush()
    return media


def media_path(media: Media, settings: UploadSettings) -> str:
    """Where the bytes of a media row live on disk."""
    return os.path.join(settings.directory(), media.stored_name)
