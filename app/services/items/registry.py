"""The item-kind registry: what the product means by "a learning item of kind X".

One `ItemKind` per kind (declared in `app.services.items.kinds`): its model, the column a
referencing row uses (`app.models.items.ITEM_REFERENCES`), its label and plural (the one
wording of every page, reminder, export and API), the learner's page, which items may be
assigned now, and its progress as one uniform subquery. Consumers iterate `KINDS` or look a
kind up with `kind_of`; nothing outside the registry branches on a kind's key.

Progress interface: `progress(user_filter)` returns a subquery with the columns
(user_id, item_id, started, done, done_at, failed) — 0/1 flags, `done_at` the moment it was
done, `failed` 1 when it can no longer be done (a quiz's attempts used up). `user_filter`
(a SELECT of user ids, or None for everyone) narrows it. Nothing downstream reads more than
those columns, so a later issue may serve the same subquery from a maintained per-person
table instead of raw history without touching a consumer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased

from app.models.items import item_column_name

Progress = Callable[[Any], Any]


@dataclass(frozen=True)
class ItemKind:
    key: str  # stored in rows and shown in the BI API: never renamed
    model: type
    label: Any  # lazy string, e.g. 课程
    plural: Any  # lazy string, for lists and option groups
    progress: Progress  # user_filter → uniform progress subquery (module doc)
    assignable: Callable[[], list]  # SQL conditions: the item may be assigned (or put in a path)
    order: Callable[[], list]  # how the assignment form lists them
    endpoint: str | None = None  # the learner's page, built from the item's slug …
    url_arg: str | None = None  # … passed as this argument
    done_phrase: Any = None  # a certificate's "has completed the …" (certificate kinds)
    certificate_titles: Callable | None = None  # subquery (item_id, title) a certificate copies
    certificate_needs_validity: bool = False  # certificates only for items with a validity
    practice: bool = False  # assignments may ask to acknowledge and/or practise (SOP modules)
    renewable: bool = False  # its model has validity_months / recert_days (RenewableMixin)
    progress_template: str = ""  # 我的任务's progress line of a task of this kind
    # hooks with a default: how an assignment of this kind is done (status.py) and what
    # 我的任务 adds to its tasks (tasks.py)
    assignment_terms: Callable | None = None
    task_details: Callable | None = None

    @property
    def column(self) -> str:
        """The name of the id column rows referencing this kind use."""
        return item_column_name(self.key)

    def reference(self, model) -> Any:
        """The id column of `model` (an ItemReference) for this kind."""
        return model.item_column(self.key)

    def validity(self) -> tuple[Any, Any] | None:
        """(validity_months, recert_days) columns of the kind's items; None: they never
        expire (app/services/certificate_expiry.py)."""
        if not self.renewable:
            return None
        return self.model.validity_months, self.model.recert_days

    def url_args(self, slug: str) -> dict[str, str] | None:
        """url_for arguments of the learner's page (None: it has none by slug)."""
        if self.endpoint is None or not slug:
            return None
        return {"endpoint": self.endpoint, self.url_arg: slug}


KINDS: dict[str, ItemKind] = {}


def register(kind: ItemKind) -> ItemKind:
    KINDS[kind.key] = kind
    return kind


def kind_of(key: str) -> ItemKind | None:
    return KINDS.get(key)


def kinds_for(model) -> list[ItemKind]:
    """The registered kinds an ItemReference model allows, in registry order."""
    return [kind for kind in KINDS.values() if kind.key in model.item_kinds]


def label(key: str) -> Any:
    kind = KINDS.get(key)
    return kind.label if kind is not None else key


def labels(model=None, plural: bool = False) -> dict[str, Any]:
    """kind key → label (or plural) of every kind (that `model` allows)."""
    kinds = kinds_for(model) if model is not None else KINDS.values()
    return {kind.key: kind.plural if plural else kind.label for kind in kinds}


def join_titles(query, model, default=None):
    """`query` outer-joined to the item of every kind `model` references (every item model
    has a `title`); returns (query, SQL title of the row's item, or `default`)."""
    titles = []
    for kind in kinds_for(model):
        item = aliased(kind.model)
        query = query.outerjoin(item, item.id == kind.reference(model))
        titles.append(item.title)
    return query, func.coalesce(*titles, *([default] if default is not None else []))
