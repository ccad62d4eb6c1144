"""The item-kind registry (see registry.py); importing the package declares the kinds."""

from app.services.items import kinds as _kinds  # noqa: E402,F401  (registers the kinds)
from app.services.items.registry import (
    KINDS,
    ItemKind,
    join_titles,
    kind_of,
    kinds_for,
    label,
    labels,
    register,
)

__all__ = ["KINDS", "ItemKind", "join_titles", "kind_of", "kinds_for", "label", "labels",
           "register"]
