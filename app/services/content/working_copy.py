"""Rules shared by the course and SOP editors: audiences, order, uploads (addresses and keys:
app/services/content/slugs.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Department, Media, Position, User
from app.services.errors import DomainError
from app.services.media import UploadSettings, media_path, save_upload

ORDER_LIMIT = 100_000
TITLE = _l("Title")
IMAGE_NAME_NOISE = re.compile(r"[\[\]()\\\s]+")


@dataclass(frozen=True)
class Upload:
    """A file sent with a form: the field it came from, its media kind, stream and name."""

    field: str
    kind: str
    stream: BinaryIO
    filename: str


def clean_order(value: int | None, field: str = "sort_order") -> int:
    """A sort order: a whole number within ±100000 (blank → 0)."""
    if value is None:
        return 0
    if abs(value) > ORDER_LIMIT:
        raise DomainError(_l("The sort order must be between -%(max)d and %(max)d.",
                             max=ORDER_LIMIT), field)
    return value


def audience(position_ids, department_ids) -> tuple[list[Position], list[Department]]:
    """The chosen positions and departments (empty = everyone); unknown ids are refused."""
    wanted_positions, wanted_departments = set(position_ids or ()), set(department_ids or ())
    positions = list(db.session.scalars(select(Position).where(Position.id.in_(wanted_positions))
                                        .order_by(Position.sort_order, Position.id)))
    departments = list(db.session.scalars(
        select(Department).where(Department.id.in_(wanted_departments))
        .order_by(Department.sort_order, Department.id)))
    if len(positions) != len(wanted_positions):
        raise DomainError(_l("Choose positions from the list."), "position_ids")
    if len(departments) != len(wanted_departments):
        raise DomainError(_l("Choose departments from the list."), "department_ids")
    return positions, departments


def optional_position(position_id: int | None, field: str) -> int | None:
    """A position id that exists, or None for "no position"."""
    if not position_id:
        return None
    if db.session.get(Position, position_id) is None:
        raise DomainError(_l("Choose a position from the list."), field)
    return position_id


def move(items: list, item, direction: str) -> None:
    """Swap `item` with its neighbour ("up" or "down") and number the list 0, 1, 2 …"""
    index = items.index(item)
    target = {"up": index - 1, "down": index + 1}.get(direction, index)
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    renumber(items)


def renumber(items: list) -> None:
    for rank, each in enumerate(items):
        each.rank = rank


def store_uploads(uploads: list[Upload], actor: User | None,
                  store: UploadSettings | None) -> dict[str, Media]:
    """Save every uploaded file or none: a refused file removes those saved before it.
    `store` (the upload folder and limits) is needed as soon as there is a file."""
    if uploads and store is None:
        raise ValueError("store_uploads needs the upload settings to store files")
    saved: dict[str, Media] = {}
    try:
        for upload in uploads:
            try:
                saved[upload.field] = save_upload(upload.stream, upload.filename, upload.kind,
                                                  actor, store)
            except DomainError as error:
                error.field = error.field or upload.field
                raise
    except BaseException:
        for media in saved.values():
            Path(media_path(media, store)).unlink(missing_ok=True)
        raise
    return saved


def image_markdown(media: Media) -> str:
    """The Markdown that shows an uploaded image: ![name](/media/<id>)."""
    name = IMAGE_NAME_NOISE.sub(" ", PurePath(media.original_name).stem).strip() or "image"
    return f"![{name}](/media/{media.id})"


def upload_image(upload: Upload, actor: User | None, store: UploadSettings) -> str:
    """Store an image for a Markdown text and return the Markdown line that shows it."""
    return image_markdown(store_uploads([upload], actor, store)[upload.field])


def append_line(text: str, line: str) -> str:
    """`text` with `line` added as a paragraph of its own at the end."""
    text = text.rstrip("\n")
    return f"{text}\n\n{line}\n" if text else f"{line}\n"
