"""The WeCom group robot (企业微信群机器人): one Markdown message per department listing
who is overdue on what (required items only: the group sees no optional ones), posted to
the department's own robot or else the default one (WECOM_WEBHOOK_URL); people are listed
under their own department, not its parent. WeCom takes at most 4096 bytes (UTF-8) of
Markdown per message, so a long list is split on line boundaries into several numbered
messages — never cut short.

API: POST {"msgtype": "markdown", "markdown": {"content": …}} to the webhook; success is
HTTP 200 with {"errcode": 0}. A robot accepts about 20 messages a minute; a refused message
is recorded as failed and tried again by the next run.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from itertools import groupby
from urllib.error import HTTPError

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Department
from app.services.assign.channels.base import (
    DeliveryError,
    Message,
    OutsideChannel,
    OwedItem,
    RunContext,
)
from app.services.assign.channels.text import item_text, local_time, plain
from app.services.org import mask_webhook

LIMIT = 4096  # bytes of UTF-8 in markdown.content
TIMEOUT = 10  # seconds


class WeComChannel(OutsideChannel):
    name = "wecom"
    label = _l("WeCom group robot")

    def enabled(self, settings: Mapping) -> bool:
        return bool(settings.get("WECOM_WEBHOOK_URL")) or db.session.scalar(
            select(Department.id).where(Department.wecom_webhook_url.is_not(None),
                                        Department.wecom_webhook_url != "").limit(1)) is not None

    def messages(self, ctx: RunContext) -> tuple[list[Message], int]:
        overdue = sorted((i for i in ctx.owed if i.overdue and i.required
                          and i.department_id is not None),
                         key=lambda i: (i.department_id, i.user_name, i.user_id, i.due_at))
        default = ctx.settings.get("WECOM_WEBHOOK_URL")
        messages, nowhere = [], 0
        for department_id, items in groupby(overdue, key=lambda i: i.department_id):
            department = db.session.get(Department, department_id)
            url = department.wecom_webhook_url or default
            if not url:
                nowhere += 1
                continue
            name = ctx.department_names.get(department_id, department.name)
            texts = department_messages(name, list(items), ctx)
            messages += [Message(key=f"{ctx.day}:dept:{department_id}:{part}", target=url,
                                 recipient=f"{name} ({mask_webhook(url)})", subject=name,
                                 text=text)
                         for part, text in enumerate(texts, start=1)]
        return messages, nowhere

    def deliver(self, message: Message, settings: Mapping) -> None:
        post_markdown(message.target, message.text)


def department_messages(name: str, items: list[OwedItem], ctx: RunContext) -> list[str]:
    """The Markdown of one department's messages, each at most LIMIT bytes."""
    intro = _("As of %(time)s, these colleagues have overdue training:",
              time=local_time(ctx.now, ctx.settings))
    blocks = []
    for _user, owed in groupby(items, key=lambda i: i.user_id):
        owed = list(owed)
        blocks.append([f"**{plain(owed[0].user_name)}**"] +
                      [f"- {item_text(i, ctx.settings, markdown=True)}" for i in owed])

    def head(part: int, parts: int) -> list[str]:
        title = _("Overdue training · %(department)s", department=plain(name))
        if parts > 1:
            title += f" ({part}/{parts})"
        return [f"### {title}", intro]

    budget = LIMIT - size(head(999, 999)) - 1  # room for the heading and its line break
    chunks = pack(blocks, budget)
    return ["\n".join(head(n, len(chunks)) + chunk) for n, chunk in enumerate(chunks, 1)]


def size(lines: list[str]) -> int:
    """Bytes of the lines joined by line breaks."""
    return sum(len(line.encode()) for line in lines) + max(len(lines) - 1, 0)


def pack(blocks: list[list[str]], budget: int) -> list[list[str]]:
    """Put whole blocks (one person each) into chunks of at most `budget` bytes; a block too
    big for one chunk is split between its lines, a line too big between characters."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for block in blocks:
        for piece in _pieces(block, budget):
            if current and size(current) + 1 + size(piece) > budget:
                chunks.append(current)
                current = []
            current = current + piece
    if current:
        chunks.append(current)
    return chunks


def _pieces(block: list[str], budget: int) -> list[list[str]]:
    """A block as one piece when it fits; else pieces of its lines, each starting with the
    person's name again."""
    if size(block) <= budget:
        return [block]
    name, pieces = block[0], []
    current = [name]
    for line in block[1:]:
        for part in _cut(line, budget - len(name.encode()) - 1):
            if size(current) + 1 + len(part.encode()) > budget:
                pieces.append(current)
                current = [name]
            current.append(part)
    return [*pieces, current]


def _cut(line: str, budget: int) -> list[str]:
    """The line in parts of at most `budget` bytes, split between characters."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > budget:
            parts.append(current)
            current = ""
        current += char
    return [*parts, current]


def post_markdown(url: str, content: str) -> None:
    """POST one Markdown message; DeliveryError unless WeCom answers 200 with errcode 0."""
    body = json.dumps({"msgtype": "markdown", "markdown": {"content": content}},
                      ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read(65536)
    except HTTPError as exc:
        exc.close()
        raise DeliveryError(f"HTTP {exc.code}") from None
    if status != 200:
        raise DeliveryError(f"HTTP {status}")
    try:
        answer = json.loads(raw)
    except ValueError:
        raise DeliveryError("the answer is not JSON") from None
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        errcode = answer.get("errcode") if isinstance(answer, dict) else None
        errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        raise DeliveryError(f"errcode {errcode}: {errmsg}")
