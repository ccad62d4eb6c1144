"""The in-app notification centre: "new assignment" for everyone not told yet, then "due
soon" and "overdue" (see app.services.assign.notify; idempotent by key)."""

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
        added = _count() - before
        if not ctx.dry_run:
            ctx.commit()
        return ChannelReport(self.name, sent=added, skipped=offered - added)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))
