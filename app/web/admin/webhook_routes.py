"""Admin views for outbound webhooks (系统管理 → Webhooks): endpoints (the signing secret
shown once), pause/resume, delete, the recent deliveries with each try, replay. Like API
tokens, only MANAGE_ORG holders handle them: they send the organisation's events out."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.models.webhooks import WebhookDelivery, WebhookEndpoint
from app.permissions import Permission, require
from app.services.errors import DomainError
from app.services.webhooks import delivery as sending
from app.services.webhooks import endpoints
from app.services.webhooks.events import EVENTS
from app.web.admin import bp
from app.web.admin.forms import ConfirmForm
from app.web.admin.webhook_forms import WebhookForm
from app.web.forms import attach_error, post_action

BACK = "admin.webhooks"


def _list_page(form: WebhookForm):
    deliveries = endpoints.recent_deliveries()
    return render_template(
        "admin/webhooks.html", form=form, endpoints=endpoints.list_endpoints(),
        deliveries=deliveries, attempts=endpoints.attempts_of([d.id for d in deliveries]),
        masked=endpoints.masked, events=EVENTS, confirm=ConfirmForm())


@bp.get("/webhooks")
@require(Permission.MANAGE_ORG)
def webhooks():
    return _list_page(WebhookForm())


@bp.post("/webhooks")
@require(Permission.MANAGE_ORG)
def webhook_create():
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            endpoint, secret = endpoints.create_endpoint(
                current_user, form.url.data, form.events.data, form.description.data, utcnow())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            response = render_template("admin/webhook_created.html", endpoint=endpoint,
                                       secret=secret, events=EVENTS)
            return response, 200, {"Cache-Control": "no-store"}
    return _list_page(form)


@bp.post("/webhooks/<int:endpoint_id>/toggle")
@require(Permission.MANAGE_ORG)
def webhook_toggle(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    active = not endpoint.active
    return post_action(ConfirmForm(), lambda: endpoints.set_active(endpoint, active),
                       url_for(BACK), _("Endpoint resumed.") if active
                       else _("Endpoint paused: its deliveries wait until it is resumed."))


@bp.post("/webhooks/<int:endpoint_id>/delete")
@require(Permission.MANAGE_ORG)
def webhook_delete(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    return post_action(ConfirmForm(), lambda: endpoints.delete_endpoint(endpoint),
                       url_for(BACK), _("Endpoint deleted."))


@bp.post("/webhooks/deliveries/<int:delivery_id>/replay")
@require(Permission.MANAGE_ORG)
def webhook_replay(delivery_id: int):
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    return post_action(ConfirmForm(), lambda: sending.replay(delivery, utcnow()),
                       url_for(BACK), _("Delivery queued again with the same event id."))
