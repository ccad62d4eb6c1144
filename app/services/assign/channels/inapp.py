"""The in-app notification centre: "new assignment" for everyone not told yet, then "due
soon" and "overdue" (see app.services.assign.notify; idempotent by key), and "certificate
expires soon" (30 and 7 days before; app.services.certificate_expiry)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models.assignments import Notification
from app.services.assign import notify
from app.services.assign.channels.base import ChannelReport, RunContext


class InAppChannel:
    name = "inapp"
    label = _l("In-app notifications")

    def run(self, ctx: RunContext) -> ChannelReport:
        before = _count()
        offered = notify.notify_assigned(ctx.now)
        offered += sum(notify.notify_due(ctx.now, int(ctx.settings["REMINDER_DUE_SOON_DAYS"])))
        offered += notify.add_notifications(
            [{"user_id": i.user_id, "kind": "cert_expiring", "url": "/certificates/",
              "key": f"cert_expiring:{i.certificate_id}:{i.due_at:%Y%m%d}:{_days(i, ctx)}",
              "params": {"title": i.title, "date": f"{i.due_at:%Y-%m-%d}"}}
             for i in ctx.owed if i.certificate_id is not None], ctx.now)
        added = _count() - before
        if not ctx.dry_run:
            ctx.commit()
        return ChannelReport(self.name, sent=added, skipped=offered - added)


def _days(item, ctx: RunContext) -> int:
    """30 or 7: which of the certificate's reminders this is."""
    return 7 if (item.due_at - ctx.now).days < 7 else 30


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))
