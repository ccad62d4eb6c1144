"""Messages to each person through an identity provider's app (app.services.identity): WeCom
app messages (textcard) and DingTalk work notices. One card per person and reminder kind
(overdue, due soon) a day, listing the items; its link opens them through the provider's
sign-in (BASE_URL/auth/<provider>/login?next=…), so the person lands on them signed in.

People with the same card (the same items, in the same language) are sent it together, up
to the provider's limit of recipients per call (WeCom 1000, DingTalk 100). Each person's
delivery has its own key ("YYYYMMDD:user:<id>:<kind>") claimed before the send (claims.py),
so a person gets a kind once a day however often or concurrently the command runs; a person
the provider refused (not in the app's visible range) is recorded as failed and tried again
by the next run. Disabled until the provider is configured and BASE_URL is set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import quote

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.assign.channels import claims
from app.services.assign.channels.base import (
    ERROR_LENGTH,
    ChannelReport,
    Message,
    OwedItem,
    RunContext,
    _describe,
    _sent_keys,
    log,
)
from app.services.assign.channels.text import item_text
from app.services.identity import registry
from app.services.identity.base import Card

SHOWN = 8  # items listed on one card; "and N more" after them


@dataclass(frozen=True)
class Recipient:
    key: str
    userid: str


class AppMessageChannel:
    def __init__(self, provider: str, name: str, label):
        self.provider_name, self.name, self.label = provider, name, label

    @property
    def provider(self):
        return registry.get(self.provider_name)

    def enabled(self, settings: Mapping) -> bool:
        return self.provider.configured(settings) and bool(settings.get("BASE_URL"))

    def run(self, ctx: RunContext) -> ChannelReport:
        report = ChannelReport(self.name, enabled=self.enabled(ctx.settings))
        if not report.enabled:
            return report
        cards, report.no_recipient = self.cards(ctx)
        done = _sent_keys(self.name, ctx.day)
        size = self.provider.max_recipients
        for card, recipients in cards.items():
            waiting = [r for r in recipients if r.key not in done]
            report.skipped += len(recipients) - len(waiting)
            for start in range(0, len(waiting), size):
                batch = waiting[start:start + size]
                if ctx.dry_run:
                    report.planned.append(_planned(card, batch))
                else:
                    self._send(card, batch, ctx, report)
        return report

    def cards(self, ctx: RunContext) -> tuple[dict[Card, list[Recipient]], int]:
        """Each card and who gets it; how many people owing something have no userid."""
        userids = _userids(self.provider.user_column, {i.user_id for i in ctx.owed})
        cards: dict[Card, list[Recipient]] = defaultdict(list)
        nowhere = 0
        owed = sorted(ctx.owed, key=lambda i: (i.user_id, not i.overdue, i.due_at))
        for user_id, items in groupby(owed, key=lambda i: i.user_id):
            if user_id not in userids:
                nowhere += 1
                continue
            for overdue, group in groupby(items, key=lambda i: i.overdue):
                kind = "overdue" if overdue else "due_soon"
                card = self.card(list(group), overdue, ctx.settings)
                cards[card].append(Recipient(f"{ctx.day}:user:{user_id}:{kind}",
                                             userids[user_id]))
        return cards, nowhere

    def card(self, items: list[OwedItem], overdue: bool, settings: Mapping) -> Card:
        locale = items[0].locale or settings.get("BABEL_DEFAULT_LOCALE") or "zh_CN"
        with force_locale(locale):
            title = (_("Overdue training: %(count)d", count=len(items)) if overdue
                     else _("Training due soon: %(count)d", count=len(items)))
            lines = [item_text(i, settings) for i in items[:SHOWN]]
            if len(items) > SHOWN:
                lines.append(_("and %(count)d more", count=len(items) - SHOWN))
            button = _("Open")
        target = "/learn/tasks" + (f"#task-{items[0].assignment_id}" if len(items) == 1 else "")
        if all(i.certificate_id is not None for i in items):  # only certificates expiring
            target = "/certificates/"
        url = (f"{str(settings['BASE_URL']).rstrip('/')}/auth/{self.provider_name}/login"
               f"?next={quote(target, safe='')}")
        return Card(title=title, description="\n".join(lines), url=url, button=button)

    def _send(self, card: Card, batch: list[Recipient], ctx: RunContext,
              report: ChannelReport) -> None:
        """Claim each person's delivery (committed), send to those claimed in one call,
        record each outcome (committed)."""
        claimed_at = ctx.clock()
        stale = int(ctx.settings.get("REMINDER_CLAIM_MINUTES", 15))
        taken = []
        for recipient in batch:
            outcome = claims.claim(self.name, recipient.key, claimed_at, stale)
            if outcome == claims.TAKEN:
                taken.append(recipient)
            elif outcome == claims.SENT:
                report.skipped += 1
            else:
                report.in_progress += 1
        ctx.commit()
        if not taken:
            return
        error, refused = None, set()
        try:
            refused = self.provider.send_card(ctx.settings, [r.userid for r in taken], card)
        except Exception as exc:  # recorded as failed: the next run tries again
            error = _describe(exc)[:ERROR_LENGTH]
            log.warning("reminder %s to %d people failed: %s", self.name, len(taken), error)
        for recipient in taken:
            mine = error or ("refused: not in the app's visible range"
                             if recipient.userid in refused else None)
            claims.finish(self.name, recipient.key, claimed_at, ctx.clock(), error=mine)
            if mine is None:
                report.sent += 1
            else:
                report.failed += 1
        ctx.commit()


def _userids(column_name: str, user_ids: set[int]) -> dict[int, str]:
    """The userid at the provider of each active person among `user_ids` who has one."""
    if not user_ids:
        return {}
    column = getattr(User, column_name)
    return dict(db.session.execute(select(User.id, column).where(
        User.id.in_(user_ids), column.is_not(None), column != "", User.active.is_(True))).all())


def _planned(card: Card, batch: list[Recipient]) -> Message:
    return Message(key=",".join(r.key for r in batch), target="",
                   recipient=", ".join(r.userid for r in batch), subject=card.title,
                   text=f"{card.title}\n{card.description}\n{card.url}")
