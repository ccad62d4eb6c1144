"""The title of the item a row references, whatever its kind, in SQL: one outer join per kind
the referencing model allows (from the registry) and the title of whichever is set."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import aliased

from app.services.items.registry import kinds_for


class ItemTitle:
    """`ItemTitle(Assignment)`: `.column` is the title ('' when none), `.join(query)` adds
    the outer joins it needs (after the referencing model is in the query)."""

    def __init__(self, model):
        self.model = model
        self.aliases = [(kind, aliased(kind.model)) for kind in kinds_for(model)]
        self.column = func.coalesce(*(alias.title for _kind, alias in self.aliases), "")

    def join(self, query):
        for kind, alias in self.aliases:
            query = query.outerjoin(alias, alias.id == kind.reference(self.model))
        return query
