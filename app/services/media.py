"""Uploaded media (video, audio, PDF, image): type and size checked, stored under UPLOAD_DIR."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Media, User
from app.services.errors import DomainError

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


def save_upload(stream, filename: str, kind: str, actor: User | None,
                settings: UploadSettings) -> Media:
    """Check and store one uploaded file; raise DomainError (nothing kept) when refused."""
    spec = KINDS[kind]
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in spec.extensions:
        raise DomainError(_l("'%(name)s' is not an accepted %(kind)s file; accepted: %(types)s.",
                             name=filename or "?", kind=spec.label,
                             types=", ".join(spec.extensions)))
    limit = settings.limit_bytes(kind)
    stored_name = secrets.token_hex(16) + suffix
    target = settings.directory() / stored_name
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open(target, "wb") as out:
            while chunk := stream.read(CHUNK):
                if len(head) < 16:
                    head = (head + chunk)[:16]
                size += len(chunk)
                if size > limit:
                    raise DomainError(_l("The file is larger than %(mb)d MB.",
                                         mb=limit // (1024 * 1024)))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(_l("The file is empty."))
        if not MAGIC[suffix](head):
            raise DomainError(_l("'%(name)s' does not contain %(kind)s data of its type.",
                                 name=filename, kind=spec.label))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    media = Media(kind=kind, original_name=(filename or stored_name)[-255:],
                  stored_name=stored_name, mime=spec.extensions[suffix], size=size,
                  sha256=digest.hexdigest(), uploaded_by_id=actor.id if actor else None)
    db.session.add(media)
    db.session.flush()
    return media


def media_path(media: Media, settings: UploadSettings) -> str:
    """Where the bytes of a media row live on disk."""
    return os.path.join(settings.directory(), media.stored_name)
