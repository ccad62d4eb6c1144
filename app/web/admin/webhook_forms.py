"""The form for a new webhook endpoint."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from app.services.webhooks.events import EVENTS
from app.web.forms import GuardedForm, MultiCheckboxField, choices


class WebhookForm(GuardedForm):
    privacy_exempt = {"url": "the address of a receiving system, never a client's data"}

    url = StringField(_l("Receiving address (URL)"),
                      description=_l("http:// or https://, e.g. "
                                     "https://erp.clinic.local/hooks/sop-academy. Addresses "
                                     "on the clinic's intranet are allowed."))
    description = StringField(_l("Description"),
                              description=_l("Which system receives it, e.g. “HR system”."))
    events = MultiCheckboxField(_l("Events"), choices=choices(
        (name, LazyString(lambda name=name, label=spec["label"]: f"{name} — {label}"))
        for name, spec in EVENTS.items()))  # the label in the reader's language
