"""The administrator's points form: one whole-number field per rule of
app/services/points/rules.py (built from that table, so a new rule needs no form change)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField

from app.services.points.rules import RULES, PointsSettings
from app.web.forms import GuardedForm


def settings_form(current: PointsSettings) -> GuardedForm:
    """A form with the current values filled in (the service checks them)."""
    fields = {rule.key: StringField(rule.label, description=rule.description,
                                    default=str(current.values[rule.key]))
              for rule in RULES}
    fields["leaderboard_enabled"] = BooleanField(
        _l("Show the leaderboard"), default=current.leaderboard_enabled,
        description=_l("When off, nobody sees the leaderboard; everyone still sees their own "
                       "points."))
    form_class = type("PointsSettingsForm", (GuardedForm,), fields)
    return form_class()
