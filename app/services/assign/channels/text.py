"""Wording shared by the outside channels: item kinds, local due dates, safe Markdown text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.services.assign.channels.base import OwedItem
from app.services.items import label

# characters WeCom Markdown would read as formatting, swapped for their full-width forms
_MARKDOWN = str.maketrans({"*": "＊", "`": "｀", "[": "［", "]": "］", "<": "＜", ">": "＞",
                           "#": "＃", "_": "＿", "\r": " ", "\n": " "})


def zone(settings: Mapping) -> ZoneInfo:
    return ZoneInfo(settings.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def local_time(value: datetime, settings: Mapping) -> str:
    return value.astimezone(zone(settings)).strftime("%Y-%m-%d %H:%M")


def plain(text: str) -> str:
    """Text shown literally in WeCom Markdown (a title cannot add links or formatting)."""
    return text.translate(_MARKDOWN)


def item_text(item: OwedItem, settings: Mapping, markdown: bool = False) -> str:
    title = plain(item.title) if markdown else item.title
    if item.certificate_id is not None:
        return _("Certificate “%(title)s” expires %(due)s; renew it in time",
                 title=title, due=local_time(item.due_at, settings))
    return _("%(kind)s “%(title)s”, due %(due)s", kind=label(item.kind),
             title=title, due=local_time(item.due_at, settings))
