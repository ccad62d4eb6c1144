"""What every reminder channel shares: the run it works in, the message it sends, the counts
it reports, and — for outside channels (WeCom robot, email) — the delivery log that makes a
run idempotent per day: a key already `sent` is skipped, a `failed` one is tried again."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models.assignments import ReminderDelivery

log = logging.getLogger("app.reminders")
ERROR_LENGTH = 2000


class DeliveryError(Exception):
    """The outside service refused or could not be reached; the next run tries again."""


@dataclass(frozen=True)
class OwedItem:
    """One assignment a person owes with a due date: overdue or due soon."""

    user_id: int
    user_name: str
    email: str | None
    locale: str | None
    department_id: int | None
    assignment_id: int
    kind: str
    title: str
    due_at: datetime
    overdue: bool
    required: bool


@dataclass
class RunContext:
    """One run of `send_reminders`: the time, the China-time day, the settings, what people
    owe (computed once), and the commit to call after each message sent (not in a dry run)."""

    now: datetime
    day: str  # YYYYMMDD in the configured time zone
    dry_run: bool
    settings: Mapping
    owed: list[OwedItem]
    department_names: dict[int, str]
    commit: Callable[[], None]


@dataclass(frozen=True)
class Message:
    """One outside message: its idempotency key (per channel), where it goes (`target`: a
    webhook URL or an address, never printed), a printable `recipient`, subject and text."""

    key: str
    target: str
    recipient: str
    subject: str
    text: str
    name: str = ""  # the person's name, for an email's To header

    def as_dict(self) -> dict:
        return {"key": self.key, "recipient": self.recipient, "subject": self.subject,
                "text": self.text}


@dataclass
class ChannelReport:
    name: str
    enabled: bool = True
    sent: int = 0
    skipped: int = 0  # already sent earlier (today), or already notified in-app
    failed: int = 0
    no_recipient: int = 0  # departments without a robot, people without an address
    error: str | None = None  # an internal error stopped this channel
    planned: list[Message] = field(default_factory=list)  # dry run: what would be sent

    def as_dict(self) -> dict:
        return {"enabled": self.enabled, "sent": self.sent, "skipped": self.skipped,
                "failed": self.failed, "no_recipient": self.no_recipient, "error": self.error,
                "would_send": [m.as_dict() for m in self.planned]}


class OutsideChannel(ABC):
    """A channel that talks to another system. Subclasses give `name`, `enabled`,
    `messages` and `deliver`; `run` does the bookkeeping."""

    name = ""

    @abstractmethod
    def enabled(self, settings: Mapping) -> bool:
        """Whether this channel is configured."""

    @abstractmethod
    def messages(self, ctx: RunContext) -> tuple[list[Message], int]:
        """The messages of this run and how many recipients had nowhere to send to."""

    @abstractmethod
    def deliver(self, message: Message, settings: Mapping) -> None:
        """Send one message; raise (DeliveryError, OSError …) when it did not go out."""

    def run(self, ctx: RunContext) -> ChannelReport:
        report = ChannelReport(self.name, enabled=self.enabled(ctx.settings))
        if not report.enabled:
            return report
        messages, report.no_recipient = self.messages(ctx)
        done = _sent_keys(self.name, ctx.day)
        for message in messages:
            if message.key in done:
                report.skipped += 1
            elif ctx.dry_run:
                report.planned.append(message)
            elif self._send_and_record(message, ctx):
                report.sent += 1
            else:
                report.failed += 1
        return report

    def _send_and_record(self, message: Message, ctx: RunContext) -> bool:
        delivery = db.session.scalar(select(ReminderDelivery).where(
            ReminderDelivery.channel == self.name, ReminderDelivery.key == message.key))
        if delivery is None:
            delivery = ReminderDelivery(channel=self.name, key=message.key, tries=0)
            db.session.add(delivery)
        delivery.tries = (delivery.tries or 0) + 1
        try:
            self.deliver(message, ctx.settings)
        except Exception as exc:  # one message failing never stops the others
            delivery.status, delivery.last_error = "failed", _describe(exc)[:ERROR_LENGTH]
            log.warning("reminder %s %s to %s failed (try %d): %s", self.name, message.key,
                        message.recipient, delivery.tries, delivery.last_error)
            ok = False
        else:
            delivery.status, delivery.sent_at, delivery.last_error = "sent", ctx.now, ""
            ok = True
        db.session.flush()
        ctx.commit()  # a crash later in the run must not send this message again
        return ok


def _sent_keys(channel: str, day: str) -> set[str]:
    """The keys of the day (they all start with it) already sent through the channel."""
    return set(db.session.scalars(select(ReminderDelivery.key).where(
        ReminderDelivery.channel == channel, ReminderDelivery.key.like(f"{day}:%"),
        ReminderDelivery.status == "sent")))


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
