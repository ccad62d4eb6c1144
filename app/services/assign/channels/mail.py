"""Email through SMTP (standard library): one message per person with an address, in their
language (Chinese by default), listing what they owe that is overdue or due soon. Disabled
while MAIL_SERVER is empty; MAIL_PORT, MAIL_USERNAME/MAIL_PASSWORD, MAIL_USE_TLS (STARTTLS),
MAIL_USE_SSL (SMTPS) and MAIL_DEFAULT_SENDER complete the settings."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from itertools import groupby

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models.base import utcnow
from app.services.assign.channels.base import (
    DeliveryError,
    Message,
    OutsideChannel,
    OwedItem,
    RunContext,
)
from app.services.assign.channels.text import item_text

TIMEOUT = 10  # seconds


class EmailChannel(OutsideChannel):
    name = "email"
    label = _l("Email messages")

    def enabled(self, settings: Mapping) -> bool:
        return bool(settings.get("MAIL_SERVER"))

    def messages(self, ctx: RunContext) -> tuple[list[Message], int]:
        messages, nowhere = [], 0
        owed = sorted(ctx.owed, key=lambda i: (i.user_id, not i.overdue, i.due_at))
        for user_id, items in groupby(owed, key=lambda i: i.user_id):
            items = list(items)
            address = (items[0].email or "").strip()
            if not address:
                nowhere += 1
                continue
            locale = items[0].locale or ctx.settings.get("BABEL_DEFAULT_LOCALE") or "zh_CN"
            with force_locale(locale):
                subject, text = compose(items, ctx.settings)
            messages.append(Message(key=f"{ctx.day}:user:{user_id}",
                                    target=address, recipient=address, subject=subject,
                                    text=text, name=items[0].user_name))
        return messages, nowhere

    def deliver(self, message: Message, settings: Mapping) -> None:
        send_mail(settings, Address(display_name=message.name, addr_spec=message.target),
                  message.subject, message.text)


def compose(items: list[OwedItem], settings: Mapping) -> tuple[str, str]:
    """Subject and plain-text body of one person's reminder (in the current locale)."""
    subject = _("[SOP Academy] %(count)d training items are overdue or due soon",
                count=len(items))
    lines = [_("Hello %(name)s,", name=items[0].user_name), "",
             _("These training items are waiting for you:"), ""]
    for overdue, group in groupby(items, key=lambda i: i.overdue):
        lines.append(_("Overdue:") if overdue else _("Due soon:"))
        lines += [f"  - {item_text(item, settings)}" for item in group]
        lines.append("")
    lines += [_("Please sign in to SOP Academy and finish them under My tasks."), "",
              _("This is an automatic reminder; please do not reply.")]
    return subject, "\n".join(lines) + "\n"


def send_mail(settings: Mapping, to: Address, subject: str, text: str) -> None:
    sender = settings.get("MAIL_DEFAULT_SENDER") or settings.get("MAIL_USERNAME")
    if not sender:
        raise DeliveryError("MAIL_DEFAULT_SENDER is not set")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=to.domain or None)
    message.set_content(text)
    host, port = settings["MAIL_SERVER"], int(settings.get("MAIL_PORT") or 25)
    use_ssl = bool(settings.get("MAIL_USE_SSL"))
    context = ssl.create_default_context()
    smtp = (smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context) if use_ssl
            else smtplib.SMTP(host, port, timeout=TIMEOUT))
    with smtp:
        if settings.get("MAIL_USE_TLS") and not use_ssl:
            smtp.starttls(context=context)
        if settings.get("MAIL_USERNAME"):
            smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
