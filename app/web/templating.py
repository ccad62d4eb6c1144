"""Jinja globals and filters shared by every template."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import format_datetime
from flask_login import current_user

from app.permissions import ROLE_LABELS, Permission, Role, has_permission, sorted_roles
from app.web.i18n import select_locale


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def globals_for_templates():
        return {
            "can": lambda name: has_permission(current_user, Permission(name)),
            "role_label": lambda name: ROLE_LABELS.get(Role(name), name),
            "sorted_roles": sorted_roles,
            "languages": current_app.config["LANGUAGES"],
            "current_locale": select_locale(),
        }

    @app.template_filter("datetime")
    def datetime_filter(value, fmt: str = "yyyy-MM-dd HH:mm"):
        return format_datetime(value, fmt) if value else "—"
