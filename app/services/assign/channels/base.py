"""What every reminder channel shares: the run it works in, the message it sends, the counts
it reports, and — for outside channels (WeCom robot, email) — the delivery log that makes a
run idempotent per day: a key already `sent` is skipped, a `failed` one is tried again, and
each message is claimed before it is sent (claims.py), so two runs at once send it once."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models.assignments import ReminderDelivery
from app.models.base import utcnow
from app.services.assign.channels import claims

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
    login: str = ""
    certificate_id: int | None = None  # not an assignment: this certificate expires at due_at


@dataclass
class RunContext:
    """One run of `send_reminders`: the time, the China-time day, the settings, what people
    owe (computed once), and the commit to call after each message sent (not in a dry run)."""

    now: datetime
    day: str  # YYYYMMDD in the configured time zone
    dry_run: bool
    settings: Mapping
    owed: list[OwedItem]  # with the certificates whose expiry reminder is due today
    department_names: dict[int, str]
    commit: Callable[[], None]
    clock: Callable[[], datetime] = utcnow  # claims carry the real time, not the run's start


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
    in_progress: int = 0  # claimed by another run sending at this moment
    no_recipient: int = 0  # departments without a robot, people without an address
    error: str | None = None  # an internal error stopped this channel
    planned: list[Message] = field(default_factory=list)  # dry run: what would be sent

    def as_dict(self) -> dict:
        return {"enabled": self.enabled, "sent": self.sent, "skipped": self.skipped,
                "failed": self.failed, "in_progress": self.in_progress,
                "no_recipient": self.no_recipient, "error": self.error,
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
            elif ctx.dry_run:  # claims nothing, writes nothing
                report.planned.append(message)
            else:
                outcome = self._claim_send_record(message, ctx)
                setattr(report, outcome, getattr(report, outcome) + 1)
        return report

    def _claim_send_record(self, message: Message, ctx: RunContext) -> str:
        """Claim (committed), send, record (committed): "sent", "failed", "skipped" (another
        run sent it meanwhile) or "in_progress" (another run is sending it)."""
        claimed_at = ctx.clock()
        outcome = claims.claim(self.name, message.key, claimed_at,
                               int(ctx.settings.get("REMINDER_CLAIM_MINUTES", 15)))
        ctx.commit()  # the claim is visible to other runs before anything goes out
        if outcome != claims.TAKEN:
            return "skipped" if outcome == claims.SENT else "in_progress"
        error = None
        try:
            self.deliver(message, ctx.settings)
        except Exception as exc:  # one message failing never stops the others
            error = _describe(exc)[:ERROR_LENGTH]
            log.warning("reminder %s %s to %s failed (try %d): %s", self.name, message.key,
                        message.recipient, claims.tries(self.name, message.key), error)
        claims.finish(self.name, message.key, claimed_at, ctx.clock(), error=error)
        ctx.commit()  # a crash later in the run must not send this message again
        return "sent" if error is None else "failed"


def _sent_keys(channel: str, day: str) -> set[str]:
    """The keys of the day (they all start with it) already sent through the channel."""
    return set(db.session.scalars(select(ReminderDelivery.key).where(
        ReminderDelivery.channel == channel, ReminderDelivery.key.like(f"{day}:%"),
        ReminderDelivery.status == "sent")))


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
