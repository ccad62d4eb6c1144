"""References to a learning item — a course, a quiz, an SOP module, a learning path, a
survey or an offline class — that the database enforces.

`ITEM_REFERENCES` is the storage half of the item-kind registry (the domain half, with
models, labels, URLs and progress, is `app.services.items`): for each kind key — the string
stored in rows and shown in the BI API — the column a referencing row uses and the table it
points at. It is the only kind-keyed literal of the models.

`ItemReference` is the mixin of every row that points at "an item of some kind"
(Assignment, PathStageItem, Certificate, and a quiz's owner). A model declares which kinds
it allows (`item_kinds`) and one nullable foreign-key column per allowed kind; the mixin
checks the columns when the class is defined and adds CHECK constraints generated from the
declaration (named by the metadata convention, `ck_<table>_item_...`):

- with a kind column (`item_kind_column = "kind"`): `kind IN (...)`, and per kind
  `kind <> 'x' OR (x_id IS NOT NULL AND every other id IS NULL)`;
- without one (the quiz: it belongs to a course, an SOP module, or stands alone):
  at most one of the ids is set, and the kind is the one whose id is set.

So `Assignment(kind="nonsense")`, or a course assignment with a quiz id, never flushes.
Modelled on Indico's `LinkMixin` (indico/core/db/sqlalchemy/links.py).
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import mapped_column

ITEM_REFERENCES: dict[str, tuple[str, str]] = {
    "course": ("course_id", "courses"),
    "quiz": ("quiz_id", "quizzes"),
    "sop": ("sop_module_id", "sop_modules"),
    "path": ("path_id", "learning_paths"),
    "survey": ("survey_id", "surveys"),
    "class": ("class_id", "training_classes"),
}
ITEM_KINDS = tuple(ITEM_REFERENCES)


def item_column_name(kind: str) -> str:
    return ITEM_REFERENCES[kind][0]


def item_checks(kinds: tuple[str, ...], kind_column: str | None) -> list[tuple[str, str]]:
    """(constraint name, SQL condition) of the CHECK constraints of a reference allowing
    `kinds` (names without the ck_<table>_ prefix the naming convention adds)."""
    columns = {kind: item_column_name(kind) for kind in kinds}
    if kind_column is None:
        count = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns.values())
        return [("item_one", f"{count} <= 1")]
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    checks = [("item_kind", f"{kind_column} IN ({listed})")]
    for kind, column in columns.items():
        others = " AND ".join(f"{c} IS NULL" for k, c in columns.items() if k != kind)
        exactly = f"{column} IS NOT NULL" + (f" AND {others}" if others else "")
        checks.append((f"item_{kind}", f"{kind_column} <> '{kind}' OR ({exactly})"))
    return checks


class ItemReference:
    """Mixin: a row that references one item of one of `item_kinds` (see the module doc)."""

    item_kinds: ClassVar[tuple[str, ...]] = ()
    item_kind_column: ClassVar[str | None] = "kind"
    # True: the mixin declares each allowed kind's column itself (nullable, indexed, deleted
    # with its item), so allowing one more kind is one line (plus its migration)
    item_foreign_keys: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        if "item_kinds" in cls.__dict__:
            if cls.__dict__.get("item_foreign_keys"):
                _declare_columns(cls)
            _check_columns(cls)
            checks = [CheckConstraint(sql, name=name)
                      for name, sql in item_checks(cls.item_kinds, cls.item_kind_column)]
            cls.__table_args__ = (*cls.__dict__.get("__table_args__", ()), *checks)
        super().__init_subclass__(**kwargs)

    @classmethod
    def item_column(cls, kind: str):
        """The model attribute referencing items of `kind`."""
        return getattr(cls, item_column_name(kind))

    @property
    def item_kind(self) -> str | None:
        if self.item_kind_column is not None:
            return getattr(self, self.item_kind_column)
        return next((kind for kind in self.item_kinds
                     if getattr(self, item_column_name(kind)) is not None), None)

    @property
    def item_id(self) -> int | None:
        kind = self.item_kind
        return getattr(self, item_column_name(kind)) if kind in self.item_kinds else None

    @item_id.setter
    def item_id(self, value: int | None) -> None:
        """Set the id of the item of the row's kind (set the kind first)."""
        self.set_item(self.item_kind, value)

    def set_item(self, kind: str | None, item_id: int | None) -> None:
        """Point at item `item_id` of `kind` (None: at nothing, where that is allowed)."""
        if kind is not None and kind not in self.item_kinds:
            raise ValueError(f"{type(self).__name__} cannot reference a {kind!r}")
        if self.item_kind_column is not None:
            setattr(self, self.item_kind_column, kind)
        for other in self.item_kinds:
            setattr(self, item_column_name(other), item_id if other == kind else None)


def _declare_columns(cls) -> None:
    for kind in cls.item_kinds:
        column_name, table = ITEM_REFERENCES[kind]
        if column_name not in cls.__dict__:
            setattr(cls, column_name, mapped_column(
                ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True, nullable=True))


def _check_columns(cls) -> None:
    """Every allowed kind needs its column, a foreign key to the kind's table."""
    for kind in cls.item_kinds:
        column_name, table = ITEM_REFERENCES[kind]
        column = cls.__dict__.get(column_name)
        targets = [fk._colspec for fk in getattr(getattr(column, "column", None),
                                                   "foreign_keys", ())]
        if not any(str(target).split(".")[0] == table for target in targets):
            raise TypeError(f"{cls.__name__}.{column_name} must be a foreign key to {table}")
